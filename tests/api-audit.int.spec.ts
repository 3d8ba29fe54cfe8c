import { createHash, randomUUID } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';
import { Client } from 'pg';
import { startApiHarness, type ApiHarness, type TestTenant, type TestUser } from './api-harness';

interface EventBody {
  tenantId: string;
  seq: number;
  id: string;
  occurredAt: string;
  actor: { type: string; id: string };
  action: string;
  target: { type: string; id: string | null };
  outcome: string;
  requestId: string | null;
  sourceIp: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
interface Page {
  items: EventBody[];
  nextCursor: string | null;
}
interface Verification {
  ok: boolean;
  checked: number;
  firstBroken?: { seq: number; reason: string };
}

/** What an auditor would run on an exported file: recompute every link from the text alone. */
function verifyOffline(lines: EventBody[]): number | null {
  let prevHash = '0'.repeat(64);
  for (const [index, { hash, ...event }] of lines.entries()) {
    if (event.seq !== index + 1 || event.prevHash !== prevHash) return event.seq;
    const recomputed = createHash('sha256').update(prevHash).update(canonicalize(event)).digest('hex');
    if (recomputed !== hash) return event.seq;
    prevHash = hash;
  }
  return null;
}

describe('API: the audit trail (list, verify, export)', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  let owner: TestUser;
  let admin: TestUser;

  const email = (who: string): string => `${who}-${randomUUID().slice(0, 8)}@example.test`;
  const addUser = (token: string, roles: string[]): Promise<{ status: number }> =>
    api.call('POST', '/v1/users', { token, json: { email: email('u'), displayName: 'U', roles } });

  beforeAll(async () => {
    api = await startApiHarness();
    // A tenant of its own, so this file knows every event of the chain.
    tenant = await api.createTenant();
    owner = await api.createUser(['owner'], { tenant });
    admin = await api.createUser(['admin'], { tenant });
    for (let i = 0; i < 3; i += 1) expect((await addUser(owner.token, ['viewer'])).status).toBe(201);
    expect((await addUser(admin.token, ['developer'])).status).toBe(201);
    expect((await addUser(admin.token, ['auditor'])).status).toBe(403); // denied, audited
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists newest first and filters by action, actor and outcome', async () => {
    const all = await api.call<Page>('GET', '/v1/audit', { token: owner.token });
    expect(all.status).toBe(200);
    const seqs = all.body.items.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(all.body.items).toHaveLength(5);

    const byOwner = await api.call<Page>('GET', `/v1/audit?action=user.create&actorId=${owner.userId}`, {
      token: owner.token,
    });
    expect(byOwner.body.items).toHaveLength(3);
    expect(byOwner.body.items.every((e) => e.actor.id === owner.userId && e.action === 'user.create')).toBe(
      true,
    );

    const denied = await api.call<Page>('GET', '/v1/audit?outcome=denied', { token: owner.token });
    expect(denied.body.items).toHaveLength(1);
    expect(denied.body.items[0]).toMatchObject({
      actor: { type: 'user', id: admin.userId },
      action: 'user.create',
      details: { refusal: 'escalation', missing: ['audit:read', 'audit:export'] },
    });
    expect(denied.body.items[0]?.requestId).toEqual(expect.any(String));

    const future = new Date(Date.now() + 60_000).toISOString();
    const none = await api.call<Page>('GET', `/v1/audit?from=${encodeURIComponent(future)}`, {
      token: owner.token,
    });
    expect(none.body.items).toEqual([]);
  });

  it('pages with a cursor: every event once, in order, then nextCursor null', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const response = await api.call<Page>('GET', `/v1/audit?limit=2${query}`, { token: owner.token });
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...response.body.items.map((e) => e.seq));
      cursor = response.body.nextCursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual([5, 4, 3, 2, 1]);

    const bad = await api.call<{ error: { code: string } }>('GET', '/v1/audit?cursor=not-a-cursor', {
      token: owner.token,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('audit_cursor_invalid');
  });

  it('is for Owners and Auditors only: Admins and Viewers get 403, export needs audit:export', async () => {
    const viewer = await api.createUser(['viewer'], { tenant });
    const auditor = await api.createUser(['auditor'], { tenant });
    for (const token of [admin.token, viewer.token]) {
      for (const path of ['/v1/audit', '/v1/audit/verify', '/v1/audit/export']) {
        expect((await api.call('GET', path, { token })).status).toBe(403);
      }
    }
    expect((await api.call('GET', '/v1/audit', { token: auditor.token })).status).toBe(200);
    expect((await api.call('GET', '/v1/audit/export', { token: auditor.token })).status).toBe(200);
  });

  it('exports the chain as NDJSON that verifies offline, and the API verifies it too', async () => {
    const exported = await api.call('GET', '/v1/audit/export', { token: owner.token });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(exported.text.endsWith('\n')).toBe(true);
    const lines = exported.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as EventBody);
    expect(lines.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(lines.every((e) => e.tenantId === tenant.id)).toBe(true);
    expect(verifyOffline(lines)).toBeNull();

    const verified = await api.call<Verification>('GET', '/v1/audit/verify', { token: owner.token });
    expect(verified.body).toEqual({ ok: true, checked: 5 });
  });

  it('reports the first tampered event after a superuser rewrites a row behind the trigger', async () => {
    const victim = await api.createTenant();
    const victimOwner = await api.createUser(['owner'], { tenant: victim });
    for (let i = 0; i < 3; i += 1) expect((await addUser(victimOwner.token, ['viewer'])).status).toBe(201);
    const before = await api.call<Verification>('GET', '/v1/audit/verify', { token: victimOwner.token });
    expect(before.body).toEqual({ ok: true, checked: 3 });

    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
      const changed = await db.query(
        `UPDATE audit_events SET details = '{"email":"someone-else@example.test"}'::jsonb
          WHERE tenant_id = $1 AND seq = 2`,
        [victim.id],
      );
      expect(changed.rowCount).toBe(1);
      await db.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
      await db.query('COMMIT');
    } finally {
      await db.end();
    }

    const after = await api.call<Verification>('GET', '/v1/audit/verify', { token: victimOwner.token });
    expect(after.body).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: 'hash_mismatch' } });
    const exported = await api.call('GET', '/v1/audit/export', { token: victimOwner.token });
    const lines = exported.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as EventBody);
    expect(verifyOffline(lines)).toBe(2);
    // Other tenants' chains are untouched.
    const mine = await api.call<Verification>('GET', '/v1/audit/verify', { token: owner.token });
    expect(mine.body.ok).toBe(true);
  });
});
