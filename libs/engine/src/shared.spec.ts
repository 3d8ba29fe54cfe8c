import { DEFAULT_TENANT_ID, taskQueueFor, temporalWorkflowIdFor, WARDEN_WORKFLOW_TYPE } from './shared';

test('queue and workflow ids derive from tenant and run ids', () => {
  expect(taskQueueFor(DEFAULT_TENANT_ID)).toBe('warden-00000000-0000-0000-0000-000000000001');
  expect(temporalWorkflowIdFor('abc')).toBe('warden-run-abc');
  expect(WARDEN_WORKFLOW_TYPE).toBe('wardenRun');
});
