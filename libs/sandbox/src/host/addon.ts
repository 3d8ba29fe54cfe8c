import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Which isolated-vm serves this Node, and where its native module is. Two lines are installed
 * (package.json): 5.x for Node 20 (its engines allow 18 and up; it ships no binaries, so setup
 * builds it with node-gyp), and 6.x under the alias `isolated-vm-6` for Node 22 and 24 (its
 * engines start at 22; its npm package carries prebuilt binaries for both ABIs on linux x64 and
 * arm64, glibc and musl). The child loads the native module by path, so nothing else differs.
 */
export interface IsolatedVmAddon {
  /** The installed package: `isolated-vm` or `isolated-vm-6`. */
  packageName: string;
  packageDir: string;
  /** The native module the sandbox child loads (a prebuilt one when the package ships it). */
  nativePath: string;
  /** Where `node-gyp rebuild` in packageDir writes the module, for a Node with no prebuilt one. */
  buildPath: string;
}

/** The first Node major served by the 6.x line (its `engines`). */
const SIX_FROM_MAJOR = 22;

/** The package that serves Node `major`; pure, so the rule is tested on its own. */
export function isolatedVmPackageFor(major: number): string {
  return major >= SIX_FROM_MAJOR ? 'isolated-vm-6' : 'isolated-vm';
}

/** The addon for the Node running this process (its major picks the line, its ABI the module). */
export function isolatedVmAddon(): IsolatedVmAddon {
  const packageName = isolatedVmPackageFor(Number(process.versions.node.split('.')[0]));
  const packageDir = dirname(require.resolve(`${packageName}/package.json`));
  if (packageName === 'isolated-vm') {
    // 5.x's binding.gyp copies the module to out/, which its own entry point loads.
    const built = join(packageDir, 'out', 'isolated_vm.node');
    return { packageName, packageDir, nativePath: built, buildPath: built };
  }
  const buildPath = join(packageDir, 'build', 'Release', 'isolated_vm.node');
  return { packageName, packageDir, nativePath: foundModule(packageDir) ?? buildPath, buildPath };
}

/**
 * The module 6.x's own loader (node-gyp-build) would pick: a local build, else the prebuilt one
 * for this platform, ABI and libc; none when neither exists yet.
 */
function foundModule(packageDir: string): string | undefined {
  const requireFromPackage = createRequire(join(packageDir, 'package.json'));
  const nodeGypBuild = requireFromPackage('node-gyp-build') as { path: (dir: string) => string };
  try {
    return nodeGypBuild.path(packageDir);
  } catch {
    return undefined;
  }
}
