import {
  finishReencryption,
  MAX_LISTED_FAILURES,
  newReencryptProgress,
  recordBatch,
  recordTotals,
} from './reencrypt-progress';

const args = { tenantId: 't', targetVersion: 2, tables: ['credential_versions', 'users'] };

describe('re-encryption progress', () => {
  it('adds batches up per table and overall, and lists the first failures only', () => {
    const progress = newReencryptProgress(args, '2026-01-01T00:00:00.000Z');
    recordTotals(progress, [3, 30]);
    expect(progress).toMatchObject({ total: 33, processed: 0, failed: 0, done: false, table: null });
    const [credentials, users] = progress.tables;
    recordBatch(progress, credentials!, {
      processed: 2,
      failures: [{ recordId: 'a:1', code: 'key_destroyed' }],
      next: 'a:1',
    });
    expect(credentials).toEqual({
      table: 'credential_versions',
      total: 3,
      processed: 2,
      failed: 1,
      done: false,
    });
    recordBatch(progress, credentials!, { processed: 0, failures: [], next: null });
    expect(credentials!.done).toBe(true);
    const failures = Array.from({ length: 25 }, (_, i) => ({
      recordId: `u${i}`,
      code: 'ciphertext_tampered',
    }));
    recordBatch(progress, users!, { processed: 5, failures, next: null });
    expect(progress).toMatchObject({ processed: 7, failed: 26, total: 33 });
    expect(progress.failures).toHaveLength(MAX_LISTED_FAILURES);
    expect(progress.failures[0]).toEqual({
      table: 'credential_versions',
      recordId: 'a:1',
      code: 'key_destroyed',
    });
    expect(progress.failures[1]).toEqual({ table: 'users', recordId: 'u0', code: 'ciphertext_tampered' });
    finishReencryption(progress, '2026-01-01T00:01:00.000Z');
    expect(progress).toMatchObject({ done: true, finishedAt: '2026-01-01T00:01:00.000Z', table: null });
    expect(progress.error).toBeUndefined();
  });

  it('lets the total grow with rows sealed under an old key after the count', () => {
    const progress = newReencryptProgress(args, '2026-01-01T00:00:00.000Z');
    recordTotals(progress, [1, 0]);
    recordBatch(progress, progress.tables[0]!, { processed: 4, failures: [], next: null });
    expect(progress.tables[0]).toMatchObject({ total: 4, processed: 4 });
    expect(progress.total).toBe(4);
  });

  it('records why a job stopped', () => {
    const progress = newReencryptProgress(args, '2026-01-01T00:00:00.000Z');
    finishReencryption(progress, '2026-01-01T00:00:05.000Z', 'the key provider is unreachable');
    expect(progress).toMatchObject({ done: true, error: 'the key provider is unreachable' });
  });
});
