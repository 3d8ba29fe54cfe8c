import { ActivityFailure, ApplicationFailure, CancelledFailure, TimeoutFailure } from '@temporalio/common';
import { ExpressionError } from '@warden/definition';
import { isWorkerLoss, StepFailure, toStepFailure } from './step-failure';

function activityFailure(cause: Error): ActivityFailure {
  return new ActivityFailure('activity failed', 'runShell', '1', 'MAXIMUM_ATTEMPTS_REACHED', 'worker', cause);
}

describe('toStepFailure', () => {
  test('a non-zero exit keeps exit code, output and attempt', () => {
    const cause = ApplicationFailure.create({
      type: 'ShellExitNonZero',
      message: 'command exited with code 3',
      details: [{ stdout: 'o', stderr: 'e', truncated: false, exit_code: 3, attempt: 2 }],
    });
    const failure = toStepFailure(activityFailure(cause));
    expect(failure.code).toBe('exit_nonzero');
    expect(failure.outcome).toEqual({
      exit_code: 3,
      attempts: 2,
      outputs: { stdout: 'o', stderr: 'e', truncated: false },
    });
  });

  test('an unexpected http status keeps status and body', () => {
    const cause = ApplicationFailure.create({
      type: 'HttpStatus',
      message: 'GET x answered 404',
      details: [{ status: 404, headers: {}, body: { e: 1 }, attempt: 1 }],
    });
    expect(toStepFailure(activityFailure(cause))).toMatchObject({
      code: 'http_status',
      outcome: { outputs: { status: 404, headers: {}, body: { e: 1 } } },
    });
  });

  test.each([
    [ApplicationFailure.create({ type: 'StepTimeout', message: 't' }), 'timeout'],
    [new TimeoutFailure('t', undefined, 'START_TO_CLOSE'), 'timeout'],
    [new TimeoutFailure('t', undefined, 'HEARTBEAT'), 'worker_lost'],
    [ApplicationFailure.create({ type: 'ProfileViolation', message: 'p' }), 'profile_violation'],
    [ApplicationFailure.create({ type: 'SecretUnreadable', message: 'p' }), 'secret_unreadable'],
    [ApplicationFailure.create({ type: 'SomethingElse', message: 'p' }), 'activity_failed'],
  ])('maps %s to %s', (cause, code) => {
    expect(toStepFailure(activityFailure(cause)).code).toBe(code);
  });

  test.each([
    ['Plugin:timeout', 'plugin_timeout'],
    ['Plugin:output-too-large', 'plugin_output_too_large'],
    ['Plugin:plugin-error', 'plugin_error'],
    ['PluginUnavailable', 'plugin_unavailable'],
    ['Plugin:../../x', 'activity_failed'],
  ])('maps the plugin failure %s to %s, wrapped or as a local activity raises it', (type, code) => {
    const cause = ApplicationFailure.create({ type, message: 'm', details: [{ kind: 'k', attempt: 1 }] });
    expect(toStepFailure(activityFailure(cause)).code).toBe(code);
    expect(toStepFailure(cause)).toMatchObject({ code, outcome: { attempts: 1 } });
  });

  test('keeps StepFailures and maps expression errors', () => {
    const own = new StepFailure('assertion_failed', 'no');
    expect(toStepFailure(own)).toBe(own);
    expect(toStepFailure(new ExpressionError('expression_runtime', 'bad', 0)).code).toBe('expression_error');
  });
});

describe('isWorkerLoss', () => {
  test('a heartbeat timeout or a worker shutdown is a lost worker; other failures are not', () => {
    expect(isWorkerLoss(activityFailure(new TimeoutFailure('t', undefined, 'HEARTBEAT')))).toBe(true);
    expect(
      isWorkerLoss(activityFailure(ApplicationFailure.create({ type: 'WorkerShutdown', message: 's' }))),
    ).toBe(true);
    expect(isWorkerLoss(activityFailure(new TimeoutFailure('t', undefined, 'START_TO_CLOSE')))).toBe(false);
    expect(isWorkerLoss(activityFailure(new CancelledFailure('c')))).toBe(false);
    expect(isWorkerLoss(new TimeoutFailure('t', undefined, 'HEARTBEAT'))).toBe(false);
  });
});
