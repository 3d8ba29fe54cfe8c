/**
 * `warden dev`: the whole stack on embedded defaults (Temporal dev server, PostgreSQL, the API
 * and a worker), with every child's output prefixed and Ctrl-C stopping everything.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  DevstackError,
  formatStackSummary,
  startDevStack,
  type DevStack,
  type ServiceContext,
  type ServiceSpec,
} from '@warden/devstack';
import { bootstrapPlatformAdmin } from '@warden/provisioning';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

export interface DevOptions {
  dataDir: string;
  repoRoot: string;
}

/** --data-dir is taken relative to where the command runs; the default lives in the checkout. */
export function devOptions(raw: { dataDir?: string }, cwd: string, repoRoot: string = REPO_ROOT): DevOptions {
  return { dataDir: raw.dataDir ? resolve(cwd, raw.dataDir) : join(repoRoot, '.warden', 'data'), repoRoot };
}

/** The API and the worker, run from source, wired to the stack. */
export function devServices(ctx: ServiceContext, repoRoot: string, env: NodeJS.ProcessEnv): ServiceSpec[] {
  const shared: NodeJS.ProcessEnv = {
    ...env,
    DATABASE_URL: ctx.databaseUrl,
    TEMPORAL_ADDRESS: ctx.temporalAddress,
    TEMPORAL_NAMESPACE: ctx.temporalNamespace,
    // The dev stack runs the examples, shell steps included; an explicit setting still wins.
    WARDEN_MAX_PROFILE: env.WARDEN_MAX_PROFILE || 'elevated',
  };
  const fromSource = (file: string, ...args: string[]) => ({
    command: process.execPath,
    args: ['-r', '@swc-node/register', join(repoRoot, file), ...args],
    cwd: repoRoot,
  });
  return [
    {
      name: 'api',
      ...fromSource('apps/api/src/main.ts'),
      env: { ...shared, PORT: String(ctx.apiPort), ...codecOrigins(ctx, env) },
      readyUrl: `http://127.0.0.1:${ctx.apiPort}/readyz`,
    },
    {
      name: 'worker',
      // The shared pool serves every pooled tenant, including tenants created while it runs.
      ...fromSource('apps/worker/src/main.ts', '--pool', 'shared'),
      env: shared,
    },
  ];
}

/** The stack's Web UI may call the API's codec endpoint, whichever port it got. */
function codecOrigins(ctx: ServiceContext, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (ctx.temporalUiUrl === undefined || env.WARDEN_CODEC_CORS_ORIGINS) return {};
  const ui = new URL(ctx.temporalUiUrl);
  return { WARDEN_CODEC_CORS_ORIGINS: `${ui.origin},${ui.protocol}//localhost:${ui.port}` };
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run the whole stack locally: Temporal, PostgreSQL, the API and a worker')
    .option('--data-dir <dir>', 'where Temporal and PostgreSQL keep their data (default: .warden/data)')
    .action(async (raw: { dataDir?: string }) => {
      process.exitCode = await runDev(devOptions(raw, process.cwd()));
    });
}

const write = (line: string) => process.stdout.write(`${line}\n`);
const say = (line: string) => write(`[dev] ${line}`);

async function runDev(opts: DevOptions): Promise<number> {
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  let signals = 0;
  const signalled = new Promise<NodeJS.Signals>((resolveSignal) => {
    onSignal = (signal) => {
      signals += 1;
      // A second Ctrl-C does not wait for a clean stop; children die with us (SIGKILL on exit).
      if (signals > 1) process.exit(130);
      say(`${signal}: stopping (again to force)`);
      resolveSignal(signal);
    };
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let stack: DevStack;
    try {
      stack = await startDevStack({
        dataDir: opts.dataDir,
        services: (ctx) => devServices(ctx, opts.repoRoot, process.env),
        onProgress: say,
        log: (source, line) => write(`[${source}] ${line}`),
      });
    } catch (error) {
      say(`could not start the stack: ${describeError(error)}`);
      return 1;
    }
    if (signals > 0) {
      await stack.stop();
      return 0;
    }
    formatStackSummary(stack.summary).forEach(write);
    try {
      devLoginLines(
        await ensureDevLogin(stack.summary.databaseUrl, opts.dataDir),
        stack.summary.apiUrl,
      ).forEach(write);
    } catch (error) {
      say(`could not create the dev tenant's login: ${describeError(error)}`);
    }
    const outcome = await Promise.race([
      signalled.then((signal) => ({ signal })),
      stack.unexpectedExit.then((reason) => ({ reason })),
    ]);
    if ('reason' in outcome) say(`${outcome.reason}; stopping the stack`);
    // Ctrl-C in a terminal reaches every child too: give them a moment to finish on their own.
    await stack.stop({ graceMs: 'signal' in outcome && outcome.signal === 'SIGINT' ? 3_000 : 0 });
    say('stopped');
    return 'reason' in outcome ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

interface DevLogin {
  tenant: string;
  email: string;
  password: string;
  apiKey: string;
}

/**
 * The `dev` tenant and its Owner, created on first start; the password and an API key are kept
 * in the data folder (mode 0600) so every start can print them. Never used outside `warden dev`.
 */
async function ensureDevLogin(databaseUrl: string, dataDir: string): Promise<DevLogin> {
  const file = join(dataDir, 'dev-login.json');
  let saved: Partial<DevLogin> = {};
  try {
    saved = JSON.parse(await readFile(file, 'utf8')) as Partial<DevLogin>;
  } catch {
    // First start (or the file was removed): everything is created below.
  }
  // The dev tenant may run the examples' shell steps, like the dev stack's API ceiling.
  const base = {
    databaseUrl,
    tenantSlug: 'dev',
    tenantName: 'Development',
    maxProfile: 'elevated' as const,
    email: 'dev@warden.local',
  };
  const first = await bootstrapPlatformAdmin({
    ...base,
    ...(saved.password ? { password: saved.password } : {}),
  });
  const password = first.generatedPassword ?? saved.password;
  if (password === undefined) throw new Error(`${file} is missing; delete the data folder to start over`);
  let apiKey = saved.apiKey;
  if (apiKey === undefined || first.user.created) {
    apiKey = (await bootstrapPlatformAdmin({ ...base, password, apiKeyName: 'dev-cli' })).apiKey!;
  }
  const login: DevLogin = { tenant: 'dev', email: base.email, password, apiKey };
  await writeFile(file, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  return login;
}

function devLoginLines(login: DevLogin, apiUrl: string): string[] {
  return [
    '',
    `Sign in (tenant '${login.tenant}', a platform admin and Owner; kept in the data folder):`,
    `  email ${login.email}  password ${login.password}`,
    `  curl -s ${apiUrl}/v1/auth/login -H 'content-type: application/json' \\`,
    `    -d '{"tenant":"${login.tenant}","email":"${login.email}","password":"${login.password}"}'`,
    'The CLI reads an API key from WARDEN_TOKEN:',
    `  export WARDEN_TOKEN=${login.apiKey}`,
  ];
}

function describeError(error: unknown): string {
  if (error instanceof DevstackError) return `[${error.code}] ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
