import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { describeExit, startProcess, type ExitInfo, type ManagedProcess } from './child-process';
import { DevstackError } from './errors';
import { freePort } from './ports';
import { resolveTemporalCli, type ResolvedTemporalCli } from './temporal-cli';

const HOST = '127.0.0.1';

export interface TemporalDevServerOptions {
  /** Keeps the server's SQLite file here, so runs survive a restart; absent = in memory. */
  dataDir?: string;
  /** gRPC port; default a free one. */
  port?: number;
  /** Web UI port; default a free one (when the UI is on). */
  uiPort?: number;
  /** Serve the Web UI; default false. */
  ui?: boolean;
  /** The Web UI's remote codec server (the API's `/v1/codec`), so it can show decrypted payloads. */
  uiCodecEndpoint?: string;
  /** Created at start (besides `default`, which always exists). */
  namespace?: string;
  /** Every line the server prints. */
  log?: (line: string) => void;
  extraArgs?: string[];
  /** An already resolved CLI; default: resolve one now. */
  cli?: ResolvedTemporalCli;
  onProgress?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port of the gRPC frontend. */
  address: string;
  namespace: string;
  uiUrl?: string;
  /** Settles if the server process ends on its own; never settles for an SDK-managed server. */
  exited: Promise<ExitInfo>;
  stop(): Promise<void>;
}

export interface StartDevArgsInput {
  port: number;
  ui: boolean;
  uiPort?: number;
  uiCodecEndpoint?: string;
  dbFilename?: string;
  namespace: string;
  extraArgs?: string[];
}

/**
 * Dynamic config every dev server starts with. The history service hands workflow and activity
 * tasks to matching through its transfer queue, which it reads at most 20 times a second per
 * shard by default: each dispatch waited 0 to 50 ms, 25 ms on average. That is the first workflow
 * task of every run and, for an activity step, the activity task and the workflow task after it.
 * At 1000 reads a second, a one-transform run took 36 ms end to end instead of 54, one http step
 * 63 ms instead of 147, five http steps 170 ms instead of 543 (bench:sandbox, docs/benchmarks.md).
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, number>> = {
  'history.transferProcessorMaxPollRPS': 1000,
};

function dynamicConfigArgs(): string[] {
  return Object.entries(DEV_SERVER_DYNAMIC_CONFIG).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${value}`,
  ]);
}

/** The `temporal server start-dev` command line for these settings. */
export function startDevArgs(input: StartDevArgsInput): string[] {
  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(input.port), '--log-format', 'text'];
  if (input.ui) {
    if (input.uiPort !== undefined) args.push('--ui-port', String(input.uiPort));
    if (input.uiCodecEndpoint !== undefined) args.push('--ui-codec-endpoint', input.uiCodecEndpoint);
  } else {
    args.push('--headless');
  }
  if (input.dbFilename) args.push('--db-filename', input.dbFilename);
  if (input.namespace !== 'default') args.push('--namespace', input.namespace);
  return [...args, ...dynamicConfigArgs(), ...(input.extraArgs ?? [])];
}

/**
 * Starts `temporal server start-dev` and resolves once its frontend answers for the namespace.
 * With `dataDir`, the state lives in `${dataDir}/temporal.db` and survives restarts.
 */
export async function startTemporalDevServer(
  opts: TemporalDevServerOptions = {},
): Promise<TemporalDevServer> {
  const cli = opts.cli ?? (await resolveTemporalCli({ onProgress: opts.onProgress }));
  const namespace = opts.namespace ?? 'default';
  const ui = opts.ui ?? false;
  const port = opts.port ?? (await freePort());
  const uiPort = ui ? (opts.uiPort ?? (await freePort())) : undefined;
  let dbFilename: string | undefined;
  if (opts.dataDir) {
    await mkdir(resolve(opts.dataDir), { recursive: true });
    dbFilename = join(resolve(opts.dataDir), 'temporal.db');
  }
  const address = `${HOST}:${port}`;
  const uiUrl = uiPort !== undefined ? `http://${HOST}:${uiPort}` : undefined;

  if (cli.source === 'sdk-download') {
    // Loaded only here: the testing package pulls in the SDK's native bridge.
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const codecArgs =
      ui && opts.uiCodecEndpoint !== undefined ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : [];
    const extraArgs = [...codecArgs, ...dynamicConfigArgs(), ...(opts.extraArgs ?? [])];
    const env = await TestWorkflowEnvironment.createLocal({
      server: { ip: HOST, port, ui, uiPort, dbFilename, namespace, extraArgs },
    }).catch((error: unknown) => {
      throw new DevstackError(
        'TEMPORAL_SERVER_START_FAILED',
        `the Temporal SDK could not start its downloaded dev server (${error instanceof Error ? error.message : String(error)}); ` +
          `without internet access, install Go, put 'temporal' on PATH, or set TEMPORAL_CLI_PATH`,
      );
    });
    const exited = new Promise<ExitInfo>(() => undefined);
    return { address: env.address, namespace, uiUrl, exited, stop: () => env.teardown() };
  }

  const args = startDevArgs({
    port,
    ui,
    uiPort,
    uiCodecEndpoint: opts.uiCodecEndpoint,
    dbFilename,
    namespace,
    extraArgs: opts.extraArgs,
  });
  let stopping = false;
  // Once it stops (our signal, or the terminal's Ctrl-C, which it announces), the server's
  // internal workers log a burst of expected connection warnings: not worth showing.
  const child = startProcess(cli.path, args, {
    onLine: (line) => {
      if (stopping) return;
      if (line.startsWith('Stopping server')) stopping = true;
      opts.log?.(line);
    },
  });
  try {
    await waitUntilServing(child, address, namespace, opts.readyTimeoutMs ?? 60_000);
  } catch (error) {
    await child.stop('SIGKILL');
    throw error;
  }
  return {
    address,
    namespace,
    uiUrl,
    exited: child.exited,
    async stop() {
      stopping = true;
      await child.stop('SIGTERM', 15_000);
    },
  };
}

async function waitUntilServing(
  child: ManagedProcess,
  address: string,
  namespace: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.hasExited()) {
      const exit = await child.exited;
      throw new DevstackError(
        'TEMPORAL_SERVER_START_FAILED',
        `the Temporal dev server ${describeExit(exit)} before serving ${address}:\n${child.recentOutput().join('\n')}`,
      );
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1s' });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
  throw new DevstackError(
    'TEMPORAL_SERVER_START_FAILED',
    `the Temporal dev server did not serve namespace '${namespace}' on ${address} within ${timeoutMs} ms ` +
      `(last error: ${lastError}):\n${child.recentOutput().join('\n')}`,
  );
}
