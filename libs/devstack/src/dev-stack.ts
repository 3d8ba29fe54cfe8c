import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DevstackError } from './errors';
import { tryLockFile } from './file-lock';
import { describeExit, startProcess, type ExitInfo, type ManagedProcess } from './child-process';
import { waitForHttpOk } from './http-ready';
import { preferredOrFreePort } from './ports';
import { startPostgres } from './postgres';
import { DEFAULT_API_PORT, type StackSummary } from './summary';
import { describeTemporalCli, resolveTemporalCli } from './temporal-cli';
import { startTemporalDevServer } from './temporal-server';

export interface DevStackPorts {
  temporal: number;
  temporalUi: number;
  postgres: number;
  api: number;
}

/** The preferred ports; each falls back to a free one when taken. */
export const DEFAULT_DEV_PORTS: DevStackPorts = {
  temporal: 7233,
  temporalUi: 8233,
  postgres: 5433,
  api: DEFAULT_API_PORT,
};

/** What the stack hands the processes it runs (the API and the worker). */
export interface ServiceContext {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  apiPort: number;
  /** The Temporal Web UI the stack started (its origin may call the API's codec endpoint). */
  temporalUiUrl?: string;
}

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  /** The stack is up once this URL answers 2xx. */
  readyUrl?: string;
}

export interface DevStackOptions {
  dataDir: string;
  /** Reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and DATABASE_URL; default process.env. */
  env?: NodeJS.ProcessEnv;
  ports?: Partial<DevStackPorts>;
  services: (ctx: ServiceContext) => ServiceSpec[];
  onProgress: (line: string) => void;
  /** Output of every child, by source: temporal, postgres, or a service name. */
  log: (source: string, line: string) => void;
  readyTimeoutMs?: number;
}

export interface DevStack {
  summary: StackSummary;
  /** Settles when a server or service ends on its own, with who and how. */
  unexpectedExit: Promise<string>;
  /**
   * Stops the services, then Temporal and PostgreSQL. `graceMs`: first let each part exit on
   * its own for that long, for when the terminal's Ctrl-C already reached the whole group (a
   * second signal would cut a graceful shutdown short).
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
}

interface Part {
  name: string;
  exited: Promise<ExitInfo>;
  stop(): Promise<void>;
}

/**
 * Brings up Temporal (or uses TEMPORAL_ADDRESS), PostgreSQL (or DATABASE_URL) and the given
 * services, and waits until the services answer. On any failure it stops what it started.
 */
export async function startDevStack(opts: DevStackOptions): Promise<DevStack> {
  const env = opts.env ?? process.env;
  const ports = { ...DEFAULT_DEV_PORTS, ...opts.ports };
  const dataDir = resolve(opts.dataDir);
  // Two stacks on one folder would run two Temporal servers on one SQLite file.
  await mkdir(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'warden-dev.pid');
  const lock = await tryLockFile(lockPath);
  if (!('release' in lock)) {
    throw new DevstackError(
      'DATA_DIR_IN_USE',
      `another warden dev (pid ${lock.holder}) is using ${dataDir}; stop it or pass another --data-dir`,
      lockPath,
    );
  }
  const infra: Part[] = [];
  const services: Part[] = [];
  let stopping = false;
  const stop = async (stopOpts: { graceMs?: number } = {}): Promise<void> => {
    stopping = true;
    const stopPart = async (part: Part): Promise<void> => {
      if (stopOpts.graceMs) await Promise.race([part.exited, sleep(stopOpts.graceMs)]);
      await part.stop();
    };
    await Promise.all(services.map(stopPart));
    await Promise.all(infra.map(stopPart));
    await lock.release();
  };

  try {
    let temporalAddress = env.TEMPORAL_ADDRESS;
    const temporalNamespace = env.TEMPORAL_NAMESPACE || 'default';
    let temporalUiUrl: string | undefined;
    // Chosen before Temporal starts: the Web UI is told the API's codec endpoint at start.
    const apiPort = await preferredOrFreePort(ports.api);
    if (temporalAddress) {
      opts.onProgress(`Temporal: using the server at ${temporalAddress} (TEMPORAL_ADDRESS)`);
    } else {
      const cli = await resolveTemporalCli({ onProgress: opts.onProgress, env });
      opts.onProgress(`Temporal CLI: ${describeTemporalCli(cli)}`);
      const server = await startTemporalDevServer({
        cli,
        dataDir: join(dataDir, 'temporal'),
        port: await preferredOrFreePort(ports.temporal),
        ui: true,
        uiPort: await preferredOrFreePort(ports.temporalUi),
        uiCodecEndpoint: `http://127.0.0.1:${apiPort}/v1/codec`,
        namespace: temporalNamespace,
        log: (line) => opts.log('temporal', line),
      });
      infra.push({ name: 'temporal', exited: server.exited, stop: () => server.stop() });
      temporalAddress = server.address;
      temporalUiUrl = server.uiUrl;
      opts.onProgress(`Temporal: dev server on ${server.address}, state in ${join(dataDir, 'temporal')}`);
    }

    const postgres = await startPostgres({
      dataDir: join(dataDir, 'postgres'),
      port: env.DATABASE_URL ? undefined : await preferredOrFreePort(ports.postgres),
      env,
      onProgress: (line) => opts.onProgress(`PostgreSQL: ${line}`),
      log: (line) => opts.log('postgres', line),
    });
    infra.push({ name: 'postgres', exited: postgres.exited, stop: () => postgres.stop() });

    const context: ServiceContext = {
      databaseUrl: postgres.url,
      temporalAddress,
      temporalNamespace,
      apiPort,
      ...(temporalUiUrl === undefined ? {} : { temporalUiUrl }),
    };
    const specs = opts.services(context);
    const running = specs.map((spec) => {
      const child = startProcess(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env,
        onLine: (line) => opts.log(spec.name, line),
      });
      services.push(servicePart(spec.name, child));
      return { name: spec.name, child };
    });
    for (const spec of specs) {
      if (!spec.readyUrl) continue;
      opts.onProgress(`waiting for ${spec.name} at ${spec.readyUrl}`);
      await waitForHttpOk(spec.readyUrl, {
        timeoutMs: opts.readyTimeoutMs,
        abortReason: () => firstDead(running),
      });
    }

    const unexpectedExit = Promise.race(
      [...infra, ...services].map((part) => part.exited.then((exit) => `${part.name} ${describeExit(exit)}`)),
    ).then((reason) => (stopping ? new Promise<string>(() => undefined) : reason));

    return {
      summary: {
        apiUrl: `http://127.0.0.1:${apiPort}`,
        temporalAddress,
        temporalNamespace,
        temporalUiUrl,
        databaseUrl: postgres.url,
        databaseSource: postgres.source,
        dataDir,
      },
      unexpectedExit,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const sleep = (ms: number) => new Promise<void>((resolveSleep) => setTimeout(resolveSleep, ms).unref());

function servicePart(name: string, child: ManagedProcess): Part {
  return {
    name,
    exited: child.exited,
    async stop() {
      await child.stop('SIGTERM', 10_000);
    },
  };
}

function firstDead(children: { name: string; child: ManagedProcess }[]): string | undefined {
  const dead = children.find(({ child }) => child.hasExited());
  if (!dead) return undefined;
  const tail = dead.child.recentOutput().slice(-10).join('\n');
  return `${dead.name} exited before it was ready${tail ? `; its last output:\n${tail}` : ''}`;
}
