import type { StepState } from '@warden/engine';
import type { RunView } from './api-client';

/** Step status by id, as last printed. */
export type SeenStatuses = Map<string, StepState['status']>;

export function formatElapsed(ms: number): string {
  return `+${(ms / 1000).toFixed(1)}s`.padStart(7);
}

/** One line per step whose status changed since the last poll (pending steps are not news). */
export function progressLines(run: RunView, seen: SeenStatuses, elapsedMs: number, runUrl: string): string[] {
  const lines: string[] = [];
  const width = Math.max(...run.steps.map((s) => s.id.length), 4);
  for (const step of run.steps) {
    const before = seen.get(step.id) ?? 'pending';
    if (step.status === before) continue;
    seen.set(step.id, step.status);
    lines.push(`${formatElapsed(elapsedMs)}  ${step.id.padEnd(width)}  ${describeStatus(step)}`);
    if (step.status === 'waiting') {
      lines.push(
        `         approve with: curl -X POST ${runUrl}/approvals -H 'content-type: application/json' ` +
          `-d '{"stepId":"${step.id}","decision":"approve"}'`,
      );
    }
  }
  return lines;
}

function describeStatus(step: StepState): string {
  switch (step.status) {
    case 'succeeded':
      return step.exit_code !== undefined ? `succeeded (exit ${step.exit_code})` : 'succeeded';
    case 'failed': {
      const exit = step.exit_code !== undefined ? ` (exit ${step.exit_code})` : '';
      return `failed${exit}: ${step.error ? `${step.error.code}: ${step.error.message}` : 'no details'}`;
    }
    case 'waiting':
      return 'waiting for approval';
    default:
      return step.status;
  }
}

const MAX_JSON_CHARS = 2000;

/** What the steps produced: shell output as text, anything else as compact JSON. */
export function outputLines(run: RunView): string[] {
  const lines: string[] = [];
  for (const step of run.steps) {
    const { stdout, stderr, ...rest } = step.outputs;
    if (typeof stdout === 'string' || typeof stderr === 'string') {
      if (typeof stdout === 'string' && stdout !== '')
        lines.push(`--- ${step.id} stdout`, ...textLines(stdout));
      if (typeof stderr === 'string' && stderr !== '')
        lines.push(`--- ${step.id} stderr`, ...textLines(stderr));
      continue;
    }
    const shown = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== null));
    if (Object.keys(shown).length === 0) continue;
    const json = JSON.stringify(shown);
    lines.push(
      `--- ${step.id} outputs`,
      json.length > MAX_JSON_CHARS ? `${json.slice(0, MAX_JSON_CHARS)}…` : json,
    );
  }
  return lines;
}

function textLines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}
