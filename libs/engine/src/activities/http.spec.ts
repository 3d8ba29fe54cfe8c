import { idempotencyKey, isRetryableStatus, statusExpected } from './http';

describe('http step rules', () => {
  test('only statuses another attempt may change are retried', () => {
    expect([500, 502, 503, 408, 429].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });

  test('any 2xx is expected by default; a list replaces that', () => {
    expect(statusExpected(204, [])).toBe(true);
    expect(statusExpected(301, [])).toBe(false);
    expect(statusExpected(409, [200, 409])).toBe(true);
    expect(statusExpected(201, [200])).toBe(false);
  });

  test('the idempotency key depends only on run and step', () => {
    expect(idempotencyKey('run-1', 'call')).toBe('run-1:call');
  });
});
