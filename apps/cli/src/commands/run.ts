import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { WorkflowDefinition } from '@warden/definition';
import { ApiClient, ApiRequestError, ApiUnreachableError, type RunView } from '../api-client';
import { CommandExit, EXIT } from '../cli-errors';
import { collect } from '../input-args';
import type { Output } from '../output';
import { outputLines, progressLines, type SeenStatuses } from '../run-progress';
import { formatProblem, loadCheckedSource, type SourceFile } from '../source-file';

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';
const POLL_INTERVAL_MS = 300;
/** Consecutive failed polls (about 6 s) before giving up on an unreachable API. */
const MAX_POLL_FAILURES = 20;

export interface RunOptions {
  input: string[];
  api: string;
  /** Bearer token: an access token or an API key. */
  token?: string;
}

/**
 * Registers or updates the definition, starts a run, and follows it to the end. Exit 0 when
 * the run succeeds, 1 when it fails, 2 when the definition or inputs are refused, 130 when
 * the user stops watching (the run itself goes on).
 */
export async function runFile(
  path: string,
  options: RunOptions,
  output: Output,
  stop: AbortSignal,
): Promise<number> {
  const checked = loadCheckedSource(path, options.input, output);
  if (!checked) return EXIT.usage;
  const { file, definition, inputs } = checked;

  const client = new ApiClient(options.api, options.token);
  try {
    const workflowId = await register(client, file, definition, output);
    // Sent as typed on the command line: the API applies the same coercion as the check above.
    const started = await client.startRun(workflowId, inputs, randomUUID());
    output.out(`run ${started.runId} started (${definition.name} v${started.workflowVersion})`);
    return await follow(client, started.runId, output, stop);
  } catch (err) {
    return reportApiError(err, path, output);
  }
}

async function register(
  client: ApiClient,
  file: SourceFile,
  definition: WorkflowDefinition,
  output: Output,
): Promise<string> {
  const existing = await client.findWorkflow(definition.name);
  if (!existing) {
    const created = await client.createWorkflow(file.text, file.format);
    output.out(`registered ${created.name} version ${created.version}`);
    return created.id;
  }
  const detail = await client.getWorkflow(existing.id);
  if (detail.current.source === file.text) {
    output.out(`${detail.name} version ${detail.currentVersion} is up to date`);
    return existing.id;
  }
  // A source with secrets is stored masked, so it never equals the local file: the server
  // decides whether anything changed.
  const updated = await client.updateWorkflow(existing.id, file.text, file.format);
  output.out(
    updated.created
      ? `updated ${updated.name} to version ${updated.version}`
      : `${updated.name} version ${updated.version} is up to date`,
  );
  return existing.id;
}

async function follow(client: ApiClient, runId: string, output: Output, stop: AbortSignal): Promise<number> {
  const startedAt = Date.now();
  const seen: SeenStatuses = new Map();
  let failures = 0;
  for (;;) {
    if (stop.aborted) return stoppedWatching(client, runId, output);
    let run: RunView;
    try {
      run = await client.getRun(runId);
      failures = 0;
    } catch (err) {
      if (!(err instanceof ApiUnreachableError) || ++failures >= MAX_POLL_FAILURES) throw err;
      await pause(stop);
      continue;
    }
    for (const line of progressLines(run, seen, Date.now() - startedAt, client.runUrl(runId)))
      output.out(line);
    if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') {
      return finish(run, Date.now() - startedAt, output);
    }
    await pause(stop);
  }
}

function finish(run: RunView, elapsedMs: number, output: Output): number {
  for (const line of outputLines(run)) output.out(line);
  const took = `${(elapsedMs / 1000).toFixed(1)}s`;
  if (run.status === 'succeeded') {
    output.out(`run ${run.runId} succeeded in ${took}`);
    return EXIT.ok;
  }
  const error = run.error
    ? `: ${run.error.code}: ${run.error.message}${run.error.stepId ? ` (step ${run.error.stepId})` : ''}`
    : '';
  output.err(`run ${run.runId} ${run.status} after ${took}${error}`);
  return EXIT.failure;
}

function stoppedWatching(client: ApiClient, runId: string, output: Output): number {
  output.err(`stopped watching; run ${runId} goes on: ${client.runUrl(runId)}`);
  return EXIT.interrupted;
}

async function pause(stop: AbortSignal): Promise<void> {
  try {
    await sleep(POLL_INTERVAL_MS, undefined, { signal: stop });
  } catch {
    // Aborted: the loop notices on its next turn.
  }
}

function reportApiError(err: unknown, path: string, output: Output): number {
  if (err instanceof ApiUnreachableError) {
    output.err(err.message);
    return EXIT.failure;
  }
  if (!(err instanceof ApiRequestError)) throw err;
  if (err.code === 'invalid_definition' || err.code === 'workflow_name_mismatch') {
    output.err(`${path}: the API refused the definition: ${err.message}`);
    for (const problem of err.problems) output.err(formatProblem(path, problem));
    return EXIT.usage;
  }
  if (err.code === 'invalid_inputs' || err.code === 'profile_violation') {
    output.err(`${path}: ${err.message}`);
    for (const problem of err.problems)
      output.err(`${path}: ${problem.path} ${problem.code ?? err.code} ${problem.message}`);
    return EXIT.usage;
  }
  output.err(`the API answered ${err.status} ${err.code}: ${err.message}`);
  if (err.status === 401) {
    output.err(
      'sign in: set WARDEN_TOKEN (or --token) to an API key or access token; `npm start` prints one',
    );
  }
  return EXIT.failure;
}

export function registerRunCommand(program: Command, output: Output): void {
  program
    .command('run')
    .description('register or update a workflow, start a run and follow it to the end')
    .argument('<file>', 'workflow definition (YAML or JSON)')
    .option('-i, --input <key=value>', 'run input, repeatable', collect, [])
    .option('--api <url>', 'Warden API base URL', DEFAULT_API_URL)
    .option(
      '--token <token>',
      'access token or API key (default: $WARDEN_TOKEN; `npm start` prints one for the dev tenant)',
      process.env.WARDEN_TOKEN,
    )
    .action(async (file: string, options: RunOptions) => {
      const stop = new AbortController();
      const onInterrupt = (): void => stop.abort();
      process.once('SIGINT', onInterrupt);
      try {
        throw new CommandExit(await runFile(file, options, output, stop.signal));
      } finally {
        process.off('SIGINT', onInterrupt);
      }
    });
}
