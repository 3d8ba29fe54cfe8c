import type { ApprovalStep } from '@warden/definition/runtime';
import type { ApprovalDecision, RunState } from '../shared';

/**
 * Holds approval decisions until the waiting step takes them. Decisions for a step that is not
 * waiting, or from someone not listed in its `approvers`, are dropped: the API checks the same
 * rules through the runState query first, so callers get a proper error there.
 */
export class ApprovalInbox {
  private readonly decisions = new Map<string, ApprovalDecision>();

  constructor(
    private readonly state: RunState,
    private readonly approvalSteps: ReadonlyMap<string, ApprovalStep>,
  ) {}

  receive(decision: ApprovalDecision): boolean {
    const step = this.approvalSteps.get(decision.stepId);
    if (step === undefined || this.state.steps[decision.stepId]?.status !== 'waiting') return false;
    if (this.decisions.has(decision.stepId)) return false;
    const approvers = step.approvers ?? [];
    if (approvers.length > 0 && !approvers.includes(decision.approver)) return false;
    this.decisions.set(decision.stepId, decision);
    return true;
  }

  has(stepId: string): boolean {
    return this.decisions.has(stepId);
  }

  take(stepId: string): ApprovalDecision | undefined {
    return this.decisions.get(stepId);
  }
}
