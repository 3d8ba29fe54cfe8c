import type { ApprovalStep } from '@warden/definition';
import type { RunArgs } from '../shared';
import { ApprovalInbox } from './approvals';
import { markRunning, markWaiting, newRunState } from './run-state';

function inbox(approvers?: string[]) {
  const step: ApprovalStep = { id: 'gate', type: 'approval', ...(approvers ? { approvers } : {}) };
  const args: RunArgs = {
    runId: 'r',
    tenantId: 't',
    workflowId: 'w',
    workflowName: 'demo',
    workflowVersion: 1,
    inputs: {},
    profile: 'elevated',
    definition: { name: 'demo', version: '1', inputs: {}, steps: [step, { id: 'other', type: 'noop' }] },
  };
  const state = newRunState(args, 'now');
  return { state, box: new ApprovalInbox(state, new Map([['gate', step]])) };
}

describe('ApprovalInbox', () => {
  test('takes a decision only while the step waits', () => {
    const { state, box } = inbox();
    expect(box.receive({ stepId: 'gate', decision: 'approve', approver: 'a' })).toBe(false);
    markRunning(state, 'gate', 'now');
    markWaiting(state, 'gate', {});
    expect(box.receive({ stepId: 'gate', decision: 'approve', approver: 'a' })).toBe(true);
    expect(box.take('gate')).toMatchObject({ approver: 'a' });
  });

  test('ignores unknown steps, non-approval steps, later decisions and approvers not listed', () => {
    const { state, box } = inbox(['alice']);
    markWaiting(state, 'gate', {});
    expect(box.receive({ stepId: 'nope', decision: 'approve', approver: 'alice' })).toBe(false);
    expect(box.receive({ stepId: 'other', decision: 'approve', approver: 'alice' })).toBe(false);
    expect(box.receive({ stepId: 'gate', decision: 'approve', approver: 'mallory' })).toBe(false);
    expect(box.has('gate')).toBe(false);
    expect(box.receive({ stepId: 'gate', decision: 'reject', approver: 'alice' })).toBe(true);
    expect(box.receive({ stepId: 'gate', decision: 'approve', approver: 'alice' })).toBe(false);
    expect(box.take('gate')?.decision).toBe('reject');
  });
});
