import { randomUUID } from 'node:crypto';
import {
  createDataSource,
  prepareDatabase,
  TenantRepository,
  withTenant,
  type TenantScope,
} from '@warden/persistence';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { AuditLog, type AuditEventInput } from './audit-log';
import { GENESIS_HASH } from './chain';

const ownerUrl = process.env.DATABASE_URL!;

describe('audit log (as the app role)', () => {
  let ds: DataSource;
  let owner: Client;
  let tenants: TenantRepository;

  beforeAll(async () => {
    const { appUrl } = await prepareDatabase(ownerUrl);
    ds = await createDataSource(appUrl, { poolSize: 25 }).initialize();
    tenants = new TenantRepository(ds);
    owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.end();
    await ds.destroy();
  });

  async function aTenant(): Promise<TenantScope> {
    const slug = `audit-${randomUUID().slice(0, 8)}`;
    return { tenantId: (await tenants.create({ slug, name: slug })).id };
  }

  function anEvent(scope: TenantScope, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
    return {
      tenantId: scope.tenantId,
      actor: { type: 'user', id: 'u-1' },
      action: 'auth.login',
      target: { type: 'user', id: 'u-1' },
      outcome: 'success',
      requestId: 'req-1',
      sourceIp: '10.0.0.1',
      details: { method: 'pwd', nested: { b: 1, a: [true, null] } },
      ...overrides,
    };
  }

  const append = (scope: TenantScope, overrides: Partial<AuditEventInput> = {}) =>
    withTenant(ds, scope, (tx) => AuditLog.append(tx.manager, anEvent(scope, overrides)));
  const verify = (scope: TenantScope) =>
    withTenant(ds, scope, (tx) => AuditLog.verifyChain(tx.manager, scope.tenantId));

  it('chains each tenant’s events from the genesis hash, and verifies them', async () => {
    const [a, b] = [await aTenant(), await aTenant()];
    const first = await append(a);
    const second = await append(a, { action: 'user.roles_change', outcome: 'denied' });
    const other = await append(b);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(other).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(await verify(a)).toEqual({ ok: true, checked: 2 });
    expect(await verify(b)).toEqual({ ok: true, checked: 1 });
  });

  it('commits the audit row with the caller’s change, or not at all', async () => {
    const a = await aTenant();
    await expect(
      withTenant(ds, a, async (tx) => {
        await AuditLog.append(tx.manager, anEvent(a));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect((await append(a)).seq).toBe(1);
  });

  it('keeps the chain gapless under 20 concurrent appends', async () => {
    const a = await aTenant();
    const appended = await Promise.all(Array.from({ length: 20 }, (_, i) => append(a, { details: { i } })));
    expect(appended.map((e) => e.seq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(await verify(a)).toEqual({ ok: true, checked: 20 });
  });

  it('reports a row a superuser changed behind the trigger’s back at its seq', async () => {
    const a = await aTenant();
    for (let i = 0; i < 5; i++) await append(a, { details: { i } });
    await owner.query('BEGIN');
    await owner.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    await owner.query(`UPDATE audit_events SET details = '{"i": 99}' WHERE tenant_id = $1 AND seq = 3`, [
      a.tenantId,
    ]);
    await owner.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    await owner.query('COMMIT');
    expect(await verify(a)).toEqual({
      ok: false,
      checked: 2,
      firstBroken: { seq: 3, reason: 'hash_mismatch' },
    });
  });

  it('reports a deleted row as a sequence gap at the missing seq', async () => {
    const a = await aTenant();
    for (let i = 0; i < 4; i++) await append(a, { details: { i } });
    await owner.query('BEGIN');
    await owner.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    await owner.query(`DELETE FROM audit_events WHERE tenant_id = $1 AND seq = 2`, [a.tenantId]);
    await owner.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    await owner.query('COMMIT');
    expect(await verify(a)).toEqual({
      ok: false,
      checked: 1,
      firstBroken: { seq: 2, reason: 'sequence_gap' },
    });
  });

  it('lists newest first with filters and an opaque cursor', async () => {
    const a = await aTenant();
    for (let i = 1; i <= 5; i++)
      await append(a, { actor: { type: 'user', id: i % 2 ? 'odd' : 'even' }, details: { i } });
    await append(a, { action: 'auth.logout', outcome: 'failure' });
    const list = (filter = {}, cursor?: string, limit = 2) =>
      withTenant(ds, a, (tx) => AuditLog.listEvents(tx.manager, a, filter, cursor, limit));

    const page1 = await list({ action: 'auth.login' });
    expect(page1.events.map((e) => e.seq)).toEqual([5, 4]);
    const page2 = await list({ action: 'auth.login' }, page1.nextCursor);
    const page3 = await list({ action: 'auth.login' }, page2.nextCursor);
    expect(page2.events.map((e) => e.seq)).toEqual([3, 2]);
    expect(page3).toEqual({ events: [expect.objectContaining({ seq: 1 })] });
    expect((await list({ actorId: 'even' }, undefined, 10)).events.map((e) => e.seq)).toEqual([4, 2]);
    expect((await list({ outcome: 'failure' }, undefined, 10)).events.map((e) => e.action)).toEqual([
      'auth.logout',
    ]);
    expect((await list({ from: new Date(Date.now() + 60_000) })).events).toEqual([]);
    await expect(list({}, 'not-a-cursor')).rejects.toMatchObject({ code: 'invalid_cursor' });
  });

  it('refuses an event for another tenant than the transaction’s', async () => {
    const [a, b] = [await aTenant(), await aTenant()];
    await expect(withTenant(ds, a, (tx) => AuditLog.append(tx.manager, anEvent(b)))).rejects.toThrow(
      /row-level security/,
    );
  });
});
