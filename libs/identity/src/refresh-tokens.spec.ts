import { createHash } from 'node:crypto';
import { DEFAULT_IDENTITY_CONFIG } from './config';
import { IdentityError, type IdentityErrorCode } from './errors';
import { RefreshTokenService, type RefreshTokenRecord } from './refresh-tokens';
import { InMemoryRefreshTokenStore } from './testing/in-memory-stores';
import { ManualClock } from './testing/manual-clock';

const DAY = 24 * 3600;

/** A table whose inserts take longer than its updates, so a late insert can land after a revocation. */
class SlowInsertStore extends InMemoryRefreshTokenStore {
  override async insert(record: RefreshTokenRecord): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    await super.insert(record);
  }
}

function setup() {
  const clock = new ManualClock();
  const store = new InMemoryRefreshTokenStore();
  return { clock, store, service: new RefreshTokenService(store, DEFAULT_IDENTITY_CONFIG, clock) };
}

async function refusal(promise: Promise<unknown>): Promise<IdentityError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(IdentityError);
  return error as IdentityError;
}

async function expectCode(promise: Promise<unknown>, code: IdentityErrorCode): Promise<void> {
  expect((await refusal(promise)).code).toBe(code);
}

describe('RefreshTokenService', () => {
  it('issues an opaque wdr_ token and stores only its sha256', async () => {
    const { service, store, clock } = setup();
    const issued = await service.issue('u1', 't1', ['pwd']);
    expect(issued.token).toMatch(/^wdr_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(issued.token.slice(4), 'base64url')).toHaveLength(32);
    const [row] = store.all();
    expect(row.tokenHash).toBe(createHash('sha256').update(issued.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(issued.token.slice(4));
    expect(row).toMatchObject({ familyId: issued.familyId, userId: 'u1', tenantId: 't1', amr: ['pwd'] });
    expect(issued.expiresAt).toEqual(new Date(clock.now().getTime() + 14 * DAY * 1000));
    expect(row.familyExpiresAt).toEqual(new Date(clock.now().getTime() + 30 * DAY * 1000));
  });

  it('rotate returns a new token in the same family, carrying user, tenant and amr', async () => {
    const { service, store } = setup();
    const first = await service.issue('u1', 't1', ['pwd', 'otp']);
    const second = await service.rotate(first.token);
    expect(second.token).not.toBe(first.token);
    expect(second).toMatchObject({
      familyId: first.familyId,
      userId: 'u1',
      tenantId: 't1',
      amr: ['pwd', 'otp'],
    });
    const third = await service.rotate(second.token);
    expect(third.familyId).toBe(first.familyId);
    expect(store.all().filter((row) => row.usedAt !== null)).toHaveLength(2);
  });

  it('presenting a used token revokes the whole family and reports it for the audit', async () => {
    const { service } = setup();
    const first = await service.issue('u1', 't1');
    const second = await service.rotate(first.token);

    const reuse = await refusal(service.rotate(first.token));
    expect(reuse.code).toBe('refresh_token_reused');
    expect(reuse.details).toEqual({ familyId: first.familyId, userId: 'u1', tenantId: 't1' });
    await expectCode(service.rotate(second.token), 'refresh_token_revoked');
  });

  it('revoking one family leaves other sessions alone', async () => {
    const { service } = setup();
    const mine = await service.issue('u1', 't1');
    const otherSession = await service.issue('u1', 't1');
    await service.revokeFamily(mine.familyId);
    await expectCode(service.rotate(mine.token), 'refresh_token_revoked');
    await expect(service.rotate(otherSession.token)).resolves.toMatchObject({
      familyId: otherSession.familyId,
    });
  });

  it.each(['', 'wdr_short', `wdn_${'a'.repeat(43)}`, `wdr_${'a'.repeat(43)}`])(
    'refresh_token_invalid for %p',
    async (token) => {
      const { service } = setup();
      await service.issue('u1', 't1');
      await expectCode(service.rotate(token), 'refresh_token_invalid');
    },
  );

  it('refresh_token_expired after the 14-day token lifetime', async () => {
    const { service, clock } = setup();
    const issued = await service.issue('u1', 't1');
    clock.advanceSeconds(14 * DAY - 1);
    const next = await service.rotate(issued.token);
    clock.advanceSeconds(14 * DAY);
    await expectCode(service.rotate(next.token), 'refresh_token_expired');
  });

  it('a family ends 30 days after sign-in however often it rotates', async () => {
    const { service, clock } = setup();
    const signIn = clock.now().getTime();
    let current = await service.issue('u1', 't1');
    for (let day = 10; day < 30; day += 10) {
      clock.advanceSeconds(10 * DAY);
      current = await service.rotate(current.token);
    }
    expect(current.expiresAt).toEqual(new Date(signIn + 30 * DAY * 1000));
    clock.set(new Date(signIn + 30 * DAY * 1000));
    await expectCode(service.rotate(current.token), 'refresh_token_expired');
  });

  it.each([
    ['equal latency', () => new InMemoryRefreshTokenStore()],
    ['slow inserts', () => new SlowInsertStore()],
  ])(
    'two concurrent refreshes with one token cannot both succeed, and the family ends (%s)',
    async (_, makeStore) => {
      const clock = new ManualClock();
      const store = makeStore();
      const service = new RefreshTokenService(store, DEFAULT_IDENTITY_CONFIG, clock);
      const issued = await service.issue('u1', 't1');
      const results = await Promise.allSettled([service.rotate(issued.token), service.rotate(issued.token)]);

      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0].reason as IdentityError).code).toBe('refresh_token_reused');
      // The winner's successor was stored before the loser revoked the family, so it is dead too.
      const successor = (won[0] as PromiseFulfilledResult<{ token: string }>).value.token;
      await expectCode(service.rotate(successor), 'refresh_token_revoked');
      expect(store.all().every((row) => row.revokedAt !== null)).toBe(true);
    },
  );

  it('a refresh racing a sign-out is refused as revoked', async () => {
    const { service } = setup();
    const issued = await service.issue('u1', 't1');
    const [refresh] = await Promise.allSettled([
      service.rotate(issued.token),
      service.revokeFamily(issued.familyId),
    ]);
    expect(refresh.status).toBe('rejected');
    expect(((refresh as PromiseRejectedResult).reason as IdentityError).code).toBe('refresh_token_revoked');
  });
});

describe('InMemoryRefreshTokenStore (strict fake)', () => {
  it('markUsed is true only for the first caller and never for a revoked token', async () => {
    const { service, store, clock } = setup();
    await service.issue('u1', 't1');
    const [row] = store.all();
    const claims = await Promise.all([
      store.markUsed(row.id, clock.now()),
      store.markUsed(row.id, clock.now()),
    ]);
    expect(claims.sort()).toEqual([false, true]);

    await service.issue('u2', 't1');
    const other = store.all().find((r) => r.userId === 'u2')!;
    await store.revokeFamily(other.familyId, clock.now());
    expect(await store.markUsed(other.id, clock.now())).toBe(false);
  });

  it('rejects a duplicate token hash and hands out copies', async () => {
    const { service, store } = setup();
    await service.issue('u1', 't1');
    const [row] = store.all();
    await expect(store.insert({ ...row, id: 'another-id' })).rejects.toThrow(/unique constraint/);
    const found = await store.findByHash(row.tokenHash);
    (found as { userId: string }).userId = 'mutated';
    expect((await store.findByHash(row.tokenHash))?.userId).toBe('u1');
  });
});
