import { activityOptionsFor, DEFAULT_STEP_TIMEOUT_SECONDS, HEARTBEAT_TIMEOUT_MS } from './activity-options';

describe('activityOptionsFor', () => {
  test('defaults: 300 s timeout, one attempt, heartbeat timeout, wait for cancellation', () => {
    const options = activityOptionsFor({});
    expect(options.startToCloseTimeout).toBe(DEFAULT_STEP_TIMEOUT_SECONDS * 1000);
    expect(options.heartbeatTimeout).toBe(HEARTBEAT_TIMEOUT_MS);
    expect(options.cancellationType).toBe('WAIT_CANCELLATION_COMPLETED');
    expect(options.retry).toMatchObject({ maximumAttempts: 1, initialInterval: 1000, backoffCoefficient: 2 });
    expect(options.retry?.maximumInterval).toBeUndefined();
  });

  test('maps timeout and every retry field, in seconds', () => {
    const options = activityOptionsFor({
      timeout: 600,
      retry: { attempts: 4, delay: 30, backoff: 3, max_delay: 120 },
    });
    expect(options.startToCloseTimeout).toBe(600_000);
    expect(options.retry).toMatchObject({
      maximumAttempts: 4,
      initialInterval: 30_000,
      backoffCoefficient: 3,
      maximumInterval: 120_000,
    });
  });

  test('keeps intervals valid for Temporal: no zero delay, max never below the first delay', () => {
    const options = activityOptionsFor({ retry: { attempts: 2, delay: 0, backoff: 0.5, max_delay: 0 } });
    expect(options.retry?.initialInterval).toBe(1);
    expect(options.retry?.backoffCoefficient).toBe(1);
    expect(options.retry?.maximumInterval).toBe(1);
    expect(
      activityOptionsFor({ retry: { attempts: 2, delay: 10, max_delay: 5 } }).retry?.maximumInterval,
    ).toBe(10_000);
  });

  test('profile violations and malformed requests are never retried', () => {
    expect(activityOptionsFor({ retry: { attempts: 5 } }).retry?.nonRetryableErrorTypes).toEqual(
      expect.arrayContaining(['ProfileViolation', 'InvalidRequest']),
    );
  });
});
