import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { attemptDeadline, throwIfCancelled, withHeartbeat } from './heartbeat';
import { assertProfileAllows } from './profile-guard';
import { runProcess } from './process';
import { OpenedSecrets } from './secrets';
import {
  ACTIVITY_ERROR_TYPES,
  type ActivityLimits,
  type EngineLogger,
  type SecretFields,
  type ShellActivityInput,
  type ShellActivityResult,
} from '../activity-contract';

/** Only these survive from the worker's environment; everything else a step sees it declared. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG'] as const;

function stepEnv(declared: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...declared };
}

function safeName(value: string): string {
  return value.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 40);
}

function commandOf(input: ShellActivityInput): { file: string; args: string[] } {
  if (input.mode === 'bash') return { file: 'bash', args: ['-c', input.script] };
  const [file, ...args] = input.argv;
  if (file === undefined || file === '') {
    throw ApplicationFailure.create({
      type: ACTIVITY_ERROR_TYPES.invalidRequest,
      message: 'shell step has an empty command',
      nonRetryable: true,
    });
  }
  return { file, args };
}

export function createRunShell(logger: EngineLogger, limits: ActivityLimits, secrets?: SecretFields) {
  return async function runShell(input: ShellActivityInput): Promise<ShellActivityResult> {
    assertProfileAllows(input.profile, 'shell');
    const { file, args } = commandOf(input);
    const opened = new OpenedSecrets(secrets, input.sealedFor, input.stepId);
    const env = await opened.stringMap(input.env, 'env');
    const startedAt = Date.now();
    const cwd = await mkdtemp(
      join(limits.workDirRoot ?? tmpdir(), `warden-${safeName(input.runId)}-${safeName(input.stepId)}-`),
    );
    try {
      const outcome = await withHeartbeat(limits.heartbeatIntervalMs, () =>
        runProcess({
          file,
          args,
          env: stepEnv(env),
          cwd,
          maxOutputBytes: limits.maxOutputBytes,
          deadlineMs: attemptDeadline(startedAt),
          signal: Context.current().cancellationSignal,
        }),
      );
      const output = {
        stdout: opened.mask(outcome.stdout, outcome.truncated),
        stderr: opened.mask(outcome.stderr, outcome.truncated),
        truncated: outcome.truncated,
        attempt: Context.current().info.attempt,
      };
      if (outcome.aborted) throwIfCancelled();
      if (outcome.spawnError !== undefined) {
        throw ApplicationFailure.create({
          type: ACTIVITY_ERROR_TYPES.spawnFailed,
          message: opened.mask(`could not start '${file}': ${outcome.spawnError}`),
          nonRetryable: true,
        });
      }
      if (outcome.timedOut) {
        throw ApplicationFailure.create({
          type: ACTIVITY_ERROR_TYPES.stepTimeout,
          message: `step '${input.stepId}' exceeded its timeout; its process group was killed`,
          details: [{ ...output, exit_code: outcome.exitCode ?? -1 }],
        });
      }
      const exitCode = outcome.exitCode ?? -1;
      logger.info('shell step finished', { runId: input.runId, stepId: input.stepId, exitCode });
      if (exitCode !== 0) {
        throw ApplicationFailure.create({
          type: ACTIVITY_ERROR_TYPES.shellExitNonZero,
          message: `command exited with code ${exitCode}`,
          details: [{ ...output, exit_code: exitCode }],
        });
      }
      return { ...output, exit_code: exitCode };
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  };
}
