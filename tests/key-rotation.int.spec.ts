/**
 * Issue 5, section 7: key rotation and crypto-shredding, through the real API and a real worker.
 * A rotation starts the re-encryption job (a Temporal workflow on the tenant's queue) whose
 * progress the API shows; afterwards every stored value is sealed with the new version (raw
 * SQL), still opens (the worker's credential and secret paths), and the old version can be
 * destroyed without force. Destroying every key then leaves credentials, definition secrets and
 * an earlier run's history unreadable, each with key_destroyed.
 */
import { randomUUID } from 'node:crypto';
import { CryptoError, FieldCipher, KeyRing, TenantPayloadCodec } from '@warden/crypto';
import { temporalWorkflowIdFor } from '@warden/engine';
import { mfaSecretContext, PostgresDataKeyStore } from '@warden/persistence';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { KeyJobs } from '../apps/api/src/keys/key-jobs';
import { VaultCredentialResolver } from '../apps/worker/src/vault-credentials';
import { isFinished, startApiHarness, waitForRun, type ApiHarness, type RunBody } from './api-harness';

jest.setTimeout(120_000);

const MARKER = `s3cr3t-${randomUUID()}`;
const ENV_SECRET = `${MARKER}-env`;
const LEGACY_TOTP = 'JBSWY3DPEHPK3PXP';

interface KeyItem {
  scope: string;
  version: number;
  state: string;
  masterKeyId: string;
  ciphertexts: number;
}
interface JobBody {
  jobId: string;
  status: string;
  progress: {
    table: string | null;
    processed: number;
    total: number;
    failed: number;
    done: boolean;
    startedAt: string;
    targetVersion: number;
    tables: { table: string; total: number; processed: number; failed: number; done: boolean }[];
  } | null;
}
interface ErrorBody {
  error: { code: string; details?: Record<string, unknown> & { problems?: { path: string }[] } };
}

async function sql<T extends Record<string, unknown>>(text: string, params: unknown[]): Promise<T[]> {
  // The owner's connection: what an operator (or an attacker with the database) reads.
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    return (await db.query<T>(text, params)).rows;
  } finally {
    await db.end();
  }
}

let api: ApiHarness;
let workflowId: string;
let viewerId: string;
const credentialNames = ['rot-a', 'rot-b', 'rot-c'];

/** A key ring with nothing cached, as a process started now would have. */
const freshRing = (): KeyRing =>
  new KeyRing({
    provider: api.app.get(KeyRing).provider,
    store: new PostgresDataKeyStore(api.app.get(DataSource)),
  });

/** The worker's own path for credentials: read by name, decrypt, audit. */
const resolve = (name: string) =>
  new VaultCredentialResolver({
    dataSource: api.app.get(DataSource),
    cipher: new FieldCipher(freshRing()),
  }).resolve(api.tenant.id, name);

const keys = async (): Promise<KeyItem[]> => {
  const listed = await api.call<{ items: KeyItem[] }>('GET', '/v1/keys');
  expect(listed.status).toBe(200);
  return listed.body.items;
};

async function runWorkflow(): Promise<RunBody> {
  const started = await api.call<{ runId: string }>('POST', `/v1/workflows/${workflowId}/runs`, {
    json: { inputs: {} },
  });
  expect(started.status).toBe(202);
  return waitForRun(api, started.body.runId, isFinished);
}

async function waitForJob(jobId: string): Promise<{ final: JobBody; seen: JobBody[] }> {
  const seen: JobBody[] = [];
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = await api.call<JobBody>('GET', `/v1/keys/jobs/${jobId}`);
    expect(job.status).toBe(200);
    seen.push(job.body);
    if (job.body.status !== 'running') return { final: job.body, seen };
    if (Date.now() > deadline) throw new Error(`job ${jobId} never ended: ${JSON.stringify(job.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  api = await startApiHarness({ worker: true });
  for (const [i, name] of credentialNames.entries()) {
    const created = await api.call('POST', '/v1/credentials', {
      json: { name, type: 'bearer', data: { token: `${MARKER}-${i}` } },
    });
    expect(created.status).toBe(201);
  }
  const source = [
    `name: rotation-${randomUUID().slice(0, 8)}`,
    'version: 1',
    'steps:',
    '  - id: check',
    '    type: shell',
    '    shell: bash',
    `    command: 'test "$TOKEN" = "$EXPECTED"'`,
    '    env:',
    `      TOKEN: { value: "${ENV_SECRET}", secret: true }`,
    `      EXPECTED: { value: "${ENV_SECRET}", secret: true }`,
    '',
  ].join('\n');
  const workflow = await api.call<{ id: string }>('POST', '/v1/workflows', { text: source });
  expect(workflow.status).toBe(201);
  workflowId = workflow.body.id;
  // A second factor stored before TOTP secrets were encrypted: the job seals it.
  viewerId = (await api.createUser(['viewer'])).userId;
  await sql(`UPDATE users SET mfa_secret = $2 WHERE id = $1`, [viewerId, LEGACY_TOTP]);
});

afterAll(async () => {
  await api?.close();
});

describe('data key rotation', () => {
  let jobId: string;

  it('refuses to destroy the version in use, rotates, and runs the re-encryption job with visible progress', async () => {
    expect(await keys()).toEqual([
      expect.objectContaining({ scope: 'tenant', version: 1, state: 'active', ciphertexts: 5 }),
    ]);
    const refused = await api.call<ErrorBody>('POST', '/v1/keys/1/destroy', { json: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('key_in_use');
    expect(refused.body.error.details).toMatchObject({ active: true, ciphertexts: 5 });

    const rotated = await api.call<{ version: number; previousVersion: number; jobId: string }>(
      'POST',
      '/v1/keys/rotate',
    );
    expect(rotated.status).toBe(202);
    expect(rotated.body).toEqual({
      scope: 'tenant',
      version: 2,
      previousVersion: 1,
      jobId: `reencrypt-${api.tenant.id}-v2`,
    });
    jobId = rotated.body.jobId;

    const { final, seen } = await waitForJob(jobId);
    expect(seen.every((job) => job.progress !== null && job.progress.targetVersion === 2)).toBe(true);
    expect(final.status).toBe('completed');
    expect(final.progress).toMatchObject({ done: true, total: 5, processed: 5, failed: 0, table: null });
    expect(final.progress!.tables).toEqual([
      { table: 'credential_versions', total: 3, processed: 3, failed: 0, done: true },
      { table: 'workflow_versions', total: 1, processed: 1, failed: 0, done: true },
      { table: 'users', total: 1, processed: 1, failed: 0, done: true },
    ]);
    // A retried start finds the job it already ran instead of starting another.
    expect(await api.app.get(KeyJobs).start(api.tenant.id, 2)).toBe(jobId);
    expect((await api.call<JobBody>('GET', `/v1/keys/jobs/${jobId}`)).body.status).toBe('completed');
  });

  it('left every stored value under the new version (raw SQL), and each still opens', async () => {
    const credentials = await sql<{ key_version: number; ciphertext: string }>(
      `SELECT key_version, ciphertext FROM credential_versions WHERE tenant_id = $1`,
      [api.tenant.id],
    );
    expect(credentials).toHaveLength(3);
    for (const row of credentials) {
      expect(row.key_version).toBe(2);
      expect(FieldCipher.keyVersionOf(row.ciphertext)).toBe(2);
    }
    const [version] = await sql<{ definition: { steps: { env: Record<string, { ciphertext: string }> }[] } }>(
      `SELECT definition FROM workflow_versions WHERE workflow_id = $1`,
      [workflowId],
    );
    for (const sealed of Object.values(version!.definition.steps[0]!.env)) {
      expect(FieldCipher.keyVersionOf(sealed.ciphertext)).toBe(2);
    }
    const [viewer] = await sql<{ mfa_secret: string }>(`SELECT mfa_secret FROM users WHERE id = $1`, [
      viewerId,
    ]);
    expect(FieldCipher.isCiphertext(viewer!.mfa_secret)).toBe(true);
    const context = mfaSecretContext({ id: viewerId, tenantId: api.tenant.id });
    expect(await new FieldCipher(freshRing()).decrypt(context, viewer!.mfa_secret)).toBe(LEGACY_TOTP);

    for (const [i, name] of credentialNames.entries()) {
      expect((await resolve(name)).token).toBe(`${MARKER}-${i}`);
    }
    // The worker opens the definition's secrets, resealed, inside the step.
    expect((await runWorkflow()).status).toBe('succeeded');
  });

  it('destroys the old version without force once nothing uses it, and audits every step', async () => {
    expect(await keys()).toEqual([
      expect.objectContaining({ scope: 'tenant', version: 1, state: 'retired', ciphertexts: 0 }),
      expect.objectContaining({ scope: 'tenant', version: 2, state: 'active', ciphertexts: 5 }),
      expect.objectContaining({ scope: `subject:${viewerId}`, version: 1, state: 'active', ciphertexts: 1 }),
    ]);
    const destroyed = await api.call('POST', '/v1/keys/1/destroy', { json: {} });
    expect(destroyed.status).toBe(200);
    expect(destroyed.body).toEqual({ scope: 'tenant', version: 1, state: 'destroyed' });
    expect((await keys()).find((k) => k.version === 1 && k.scope === 'tenant')?.state).toBe('destroyed');
    const [row] = await sql<{ wrapped: Buffer | null }>(
      `SELECT wrapped FROM tenant_data_keys WHERE tenant_id = $1 AND scope = 'tenant' AND version = 1`,
      [api.tenant.id],
    );
    expect(row!.wrapped).toBeNull();

    const events = await sql<{ action: string; outcome: string; details: Record<string, unknown> }>(
      `SELECT action, outcome, details FROM audit_events
        WHERE tenant_id = $1 AND action LIKE 'key.%' ORDER BY seq`,
      [api.tenant.id],
    );
    expect(events.map((e) => e.action)).toEqual([
      'key.rotate',
      'key.reencrypt.start',
      'key.reencrypt.finish',
      'key.destroy',
    ]);
    expect(events[0]!.details).toMatchObject({ version: 2, previousVersion: 1 });
    expect(events[2]!.details).toMatchObject({ jobId, processed: 5, failed: 0 });
    expect(events[3]!.details).toMatchObject({ scope: 'tenant', version: 1, force: false, ciphertexts: 0 });
    expect(JSON.stringify(events)).not.toContain(MARKER);
  });

  it("shows no other tenant's job, and refuses text that is not a job id or a version", async () => {
    for (const id of [`reencrypt-${randomUUID()}-v2`, `reencrypt-${api.tenant.id}-v99`]) {
      const job = await api.call<ErrorBody>('GET', `/v1/keys/jobs/${id}`);
      expect({ id, status: job.status, code: job.body.error.code }).toEqual({
        id,
        status: 404,
        code: 'key_job_not_found',
      });
    }
    const badJob = await api.call<ErrorBody>('GET', '/v1/keys/jobs/not-a-job');
    expect(badJob).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(badJob.body.error.details?.problems).toEqual([expect.objectContaining({ path: 'jobId' })]);
    const badVersion = await api.call<ErrorBody>('POST', '/v1/keys/zero/destroy', { json: {} });
    expect(badVersion).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(badVersion.body.error.details?.problems).toEqual([
      expect.objectContaining({ path: 'keyVersion' }),
    ]);
  });
});

describe('master key rewrap', () => {
  it('is for platform admins only, and audited in each tenant it touched', async () => {
    const denied = await api.call<ErrorBody>('POST', '/v1/admin/keys/rewrap', {
      json: { tenantIds: [api.tenant.id] },
    });
    expect(denied.status).toBe(403);
    const admin = await api.createUser([], { platformAdmin: true });
    // Only this test's tenant: other test files share the database and their own master key.
    const rewrapped = await api.call<{ tenants: number; rewrapped: number; failures: unknown[] }>(
      'POST',
      '/v1/admin/keys/rewrap',
      { token: admin.token, json: { tenantIds: [api.tenant.id] } },
    );
    expect(rewrapped.status).toBe(200);
    // Already under the current master key: nothing to do (see key-rewrap.service.spec.ts for a rotation).
    expect(rewrapped.body).toMatchObject({ tenants: 1, rewrapped: 0, failures: [] });
    const [event] = await sql<{ actor_id: string }>(
      `SELECT actor_id FROM audit_events WHERE tenant_id = $1 AND action = 'key.rewrap'`,
      [api.tenant.id],
    );
    expect(event!.actor_id).toBe(admin.userId);
  });
});

describe('crypto-shredding', () => {
  it('destroys every key of the tenant: its credentials, secrets and run history no longer open', async () => {
    const earlier = await runWorkflow();
    expect(earlier.status).toBe('succeeded');
    const history = await api.temporal.workflow
      .getHandle(temporalWorkflowIdFor(earlier.runId))
      .fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    expect(input.length).toBeGreaterThan(0);

    const wrong = await api.call<ErrorBody>('DELETE', '/v1/keys', { json: { confirm: 'not-the-slug' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('confirmation_mismatch');
    expect(wrong.body.error.details?.problems?.[0]?.path).toBe('confirm');
    expect((await api.call('DELETE', '/v1/keys', { json: {} })).status).toBe(400);

    const shredded = await api.call<{ destroyed: number; scopes: number }>('DELETE', '/v1/keys', {
      json: { confirm: api.tenant.slug },
    });
    expect(shredded.status).toBe(200);
    expect(shredded.body).toEqual({ destroyed: 2, scopes: 2 });
    expect((await keys()).every((key) => key.state === 'destroyed')).toBe(true);

    await expect(resolve(credentialNames[0]!)).rejects.toThrow(/key_destroyed/);
    const [use] = await sql<{ details: { reason: string } }>(
      `SELECT details FROM audit_events WHERE tenant_id = $1 AND action = 'credential.use'
        ORDER BY seq DESC LIMIT 1`,
      [api.tenant.id],
    );
    expect(use!.details.reason).toBe('key_destroyed');

    const decoding = new TenantPayloadCodec(freshRing(), api.tenant.id).decode(input);
    await expect(decoding).rejects.toBeInstanceOf(CryptoError);
    await expect(decoding).rejects.toMatchObject({ code: 'key_destroyed' });

    // The running worker was told at once: the step cannot open its secrets any more.
    const after = await runWorkflow();
    expect(after.status).toBe('failed');
    const step = after.steps.find((s) => s.id === 'check');
    expect(step?.error?.message).toContain('key_destroyed');
  });
});
