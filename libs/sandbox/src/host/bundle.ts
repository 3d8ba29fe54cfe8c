import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { isolatedVmAddon } from './addon';

/** Source entry of the child; the bundle is built from it so spawning needs no TypeScript loader. */
const CHILD_ENTRY = join(__dirname, '..', 'child', 'main.ts');

/** Absolute path of isolated-vm's native module for this Node, loaded by the child by path. */
export function isolatedVmNativePath(): string {
  return isolatedVmAddon().nativePath;
}

/** `<repo>/.warden/build`, where the repo is the folder whose node_modules holds isolated-vm. */
function defaultBuildDir(): string {
  const modules = dirname(isolatedVmAddon().packageDir);
  return join(dirname(modules), '.warden', 'build');
}

const built = new Map<string, Promise<string>>();

/**
 * Bundles the child entry into one CommonJS file named by its content hash and returns its path.
 * Built once per process and written once per hash; falls back to the OS temp folder when the
 * build folder is not writable.
 */
export function childBundlePath(buildDir = defaultBuildDir()): Promise<string> {
  let path = built.get(buildDir);
  if (!path) {
    path = writeBundle(buildDir);
    built.set(buildDir, path);
    path.catch(() => built.delete(buildDir));
  }
  return path;
}

async function writeBundle(buildDir: string): Promise<string> {
  const result = await build({
    entryPoints: [CHILD_ENTRY],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['isolated-vm'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  for (const dir of [buildDir, join(tmpdir(), 'warden-sandbox-build')]) {
    const file = join(dir, `sandbox-child-${hash}.js`);
    if (existsSync(file)) return file;
    try {
      await mkdir(dir, { recursive: true });
      // Write then rename, so a concurrent builder never reads a half-written file.
      const partial = `${file}.${process.pid}.tmp`;
      await writeFile(partial, code);
      await rename(partial, file);
      return file;
    } catch {
      continue;
    }
  }
  throw new Error(`cannot write the sandbox child bundle to ${buildDir} or the temp folder`);
}
