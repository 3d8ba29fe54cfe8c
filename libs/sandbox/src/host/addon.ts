import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Which isolated-vm serves this Node, and where its native module is. Two lines are installed
 * (package.json): 5.x for Node 20 (its engines allow 18 and up; it ships no binaries, so setup
 * builds it with node-gyp), and 6.x under the alias `isolated-vm-6` for Node 22 and 24 (its
 * engines start at 22; its npm package carries prebuilt modules for both ABIs on linux x64 and
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

let found: IsolatedVmAddon | undefined;

/**
 * The addon for the Node running this process (its major picks the line, its ABI the module).
 * Worked out once per process: none of it changes while the process runs, and finding the libc
 * takes a diagnostic report.
 */
export function isolatedVmAddon(): IsolatedVmAddon {
  return (found ??= locateAddon());
}

function locateAddon(): IsolatedVmAddon {
  const packageName = isolatedVmPackageFor(Number(process.versions.node.split('.')[0]));
  const packageDir = dirname(require.resolve(`${packageName}/package.json`));
  if (packageName === 'isolated-vm') {
    // 5.x's binding.gyp copies the module to out/, which its own entry point loads.
    const built = join(packageDir, 'out', 'isolated_vm.node');
    return { packageName, packageDir, nativePath: built, buildPath: built };
  }
  const buildPath = join(packageDir, 'build', 'Release', 'isolated_vm.node');
  return { packageName, packageDir, nativePath: prebuiltModule(packageDir) ?? buildPath, buildPath };
}

/**
 * The prebuilt module 6.x ships for this platform, architecture, Node ABI and libc, named as its
 * loader (node-gyp-build) names them; none when the package has no module for this Node. Picked
 * by ABI, not through build/Release, which Node 22 and 24 would share.
 */
function prebuiltModule(packageDir: string): string | undefined {
  const libc = process.platform !== 'linux' ? '' : isGlibc() ? '.glibc' : '.musl';
  const file = join(
    packageDir,
    'prebuilds',
    `${process.platform}-${process.arch}`,
    `isolated-vm.abi${process.versions.modules}${libc}.node`,
  );
  return existsSync(file) ? file : undefined;
}

/** glibc's runtime version is in Node's diagnostic report header; musl has none. */
function isGlibc(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return typeof report?.header?.glibcVersionRuntime === 'string';
}
