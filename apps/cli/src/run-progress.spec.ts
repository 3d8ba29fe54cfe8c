import type { StepState } from '@warden/engine';
import type { RunView } from './api-client';
import { outputLines, progressLines, type SeenStatuses } from './run-progress';

function aRun(steps: Partial<StepState>[], status: RunView['status'] = 'running'): RunView {
  return {
    runId: 'r1',
    status,
    error: null,
    steps: steps.map((s) => ({ id: 'x', type: 'shell', status: 'pending', outputs: {}, ...s })),
  };
}

describe('progressLines', () => {
  it('prints each status change once, with elapsed time', () => {
    const seen: SeenStatuses = new Map();
    const url = 'http://api/v1/runs/r1';
    expect(progressLines(aRun([{ id: 'greet', status: 'running' }, { id: 'next' }]), seen, 200, url)).toEqual(
      ['  +0.2s  greet  running'],
    );
    expect(progressLines(aRun([{ id: 'greet', status: 'running' }, { id: 'next' }]), seen, 400, url)).toEqual(
      [],
    );
    expect(
      progressLines(
        aRun([
          { id: 'greet', status: 'failed', exit_code: 2, error: { code: 'shell_exit', message: 'exit 2' } },
          { id: 'next', status: 'skipped' },
        ]),
        seen,
        1500,
        url,
      ),
    ).toEqual(['  +1.5s  greet  failed (exit 2): shell_exit: exit 2', '  +1.5s  next   skipped']);
  });

  it('tells how to approve a waiting step', () => {
    const lines = progressLines(
      aRun([{ id: 'ok', type: 'approval', status: 'waiting' }]),
      new Map(),
      0,
      'http://api/v1/runs/r1',
    );
    expect(lines[0]).toContain('ok    waiting for approval');
    expect(lines[1]).toContain(`http://api/v1/runs/r1/approvals`);
    expect(lines[1]).toContain(`"stepId":"ok","decision":"approve"`);
  });
});

describe('outputLines', () => {
  it('prints shell output as text and other outputs as JSON', () => {
    const run = aRun([
      { id: 'greet', status: 'succeeded', outputs: { stdout: 'Hello Ada!\n', stderr: '', truncated: false } },
      { id: 'shape', type: 'transform', status: 'succeeded', outputs: { total: 3 } },
      { id: 'quiet', type: 'noop', status: 'succeeded', outputs: {} },
    ]);
    expect(outputLines(run)).toEqual(['--- greet stdout', 'Hello Ada!', '--- shape outputs', '{"total":3}']);
  });
});
