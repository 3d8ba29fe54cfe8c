/**
 * Bearer credentials over real HTTP: forged and expired access tokens, tenant isolation of a
 * valid token, and API keys (scope, escalation, rotation with grace, revocation).
 */
import { randomUUID } from 'node:crypto';
import { AccessTokenService, generateSigningKey, ManualClock, SigningKeyRing } from '@warden/identity';
import { AuditEventEntity, SigningKeyRepository, withTenant } from '@warden/persistence';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { DataSource } from 'typeorm';
import { IdentitySettings } from '../apps/api/src/auth/sessions';
import { exampleWithName, startApiHarness, type ApiHarness, type TestTenant } from './api-harness';

interface ErrorBody {
  error: { code: string; message: string; details?: { reason?: string; missing?: string[] } };
}
interface ApiKeyBody {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  secret: string;
  previousSecretValidUntil?: string | null;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function decodePart<T>(token: string, index: 0 | 1): T {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8')) as T;
}

describe('API: access tokens and API keys', () => {
  let api: ApiHarness;

  async function auditOf(tenant: TestTenant, action: string, targetId: string): Promise<AuditEventEntity[]> {
    return withTenant(api.app.get(DataSource), { tenantId: tenant.id }, (tx) =>
      tx.manager.find(AuditEventEntity, { where: { tenantId: tenant.id, action, targetId } }),
    );
  }

  async function expectRefused(token: string, reason: string): Promise<void> {
    const answer = await api.call<ErrorBody>('GET', '/v1/workflows', { token });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(answer.body.error).toMatchObject({ code: 'invalid_token', details: { reason } });
  }

  async function createKey(token: string, permissions: string[]) {
    return api.call<ApiKeyBody & ErrorBody>('POST', '/v1/api-keys', {
      token,
      json: { name: `key-${randomUUID().slice(0, 8)}`, permissions },
    });
  }

  beforeAll(async () => {
    api = await startApiHarness();
  });
  afterAll(async () => {
    await api.close();
  });

  describe('forged and stale access tokens are refused', () => {
    it('an expired token', async () => {
      const settings = api.app.get(IdentitySettings);
      const past = new ManualClock(new Date(Date.now() - 3 * settings.config.accessTokenTtlSeconds * 1000));
      const ring = new SigningKeyRing(api.app.get(SigningKeyRepository), settings.config, past);
      const issuer = new AccessTokenService(ring, settings.config, past);
      const claims = decodePart<JWTPayload & { sid: string }>(api.owner.token, 1);
      const stale = await issuer.issue({
        userId: api.owner.userId,
        tenantId: api.tenant.id,
        sessionId: claims.sid,
        amr: ['pwd'],
      });
      await expectRefused(stale.token, 'token_expired');
    });

    it('a token with one byte of its signature changed', async () => {
      const [header, payload, signature] = api.owner.token.split('.') as [string, string, string];
      const bytes = Buffer.from(signature, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      await expectRefused(`${header}.${payload}.${bytes.toString('base64url')}`, 'token_bad_signature');
    });

    it('alg none', async () => {
      const header = decodePart<Record<string, unknown>>(api.owner.token, 0);
      const payload = api.owner.token.split('.')[1]!;
      await expectRefused(`${b64url({ ...header, alg: 'none' })}.${payload}.`, 'token_alg_not_allowed');
    });

    it('a key we never published (unknown kid)', async () => {
      const stranger = await generateSigningKey(new Date());
      const claims = decodePart<JWTPayload>(api.owner.token, 1);
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid: stranger.kid, typ: 'at+jwt' })
        .sign(await importJWK(stranger.privateJwk, 'EdDSA'));
      await expectRefused(forged, 'token_unknown_kid');
    });

    it('HS256 keyed with our public key (algorithm confusion)', async () => {
      const jwks = await api.call<{ keys: { kid: string; x: string }[] }>('GET', '/.well-known/jwks.json', {
        token: null,
      });
      const { kid } = decodePart<{ kid: string }>(api.owner.token, 0);
      const published = jwks.body.keys.find((key) => key.kid === kid)!;
      const claims = decodePart<JWTPayload>(api.owner.token, 1);
      for (const secret of [Buffer.from(published.x, 'base64url'), Buffer.from(JSON.stringify(published))]) {
        const forged = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' })
          .sign(secret);
        await expectRefused(forged, 'token_alg_not_allowed');
      }
    });
  });

  it("a valid token of another tenant cannot see this tenant's workflows", async () => {
    const created = await api.call<{ id: string }>('POST', '/v1/workflows', {
      text: exampleWithName('hello-world.yaml', `tokens-${randomUUID().slice(0, 8)}`),
    });
    expect(created.status).toBe(201);

    const elsewhere = await api.createUser(['owner'], { tenant: await api.createTenant() });
    const listed = await api.call<{ items: { id: string }[] }>('GET', '/v1/workflows', {
      token: elsewhere.token,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((w) => w.id)).not.toContain(created.body.id);
    const direct = await api.call<ErrorBody>('GET', `/v1/workflows/${created.body.id}`, {
      token: elsewhere.token,
    });
    expect(direct.status).toBe(404);
  });

  describe('API keys', () => {
    it('works as a bearer token, limited to its permissions even though its owner could do more', async () => {
      const key = await createKey(api.owner.token, ['workflow:read']);
      expect(key.status).toBe(201);
      expect(key.body.secret).toMatch(/^wdn_[0-9A-Za-z]{43}$/);
      expect(key.body.secret.startsWith(key.body.prefix)).toBe(true);
      expect(key.headers.get('cache-control')).toBe('no-store');

      expect((await api.call('GET', '/v1/workflows', { token: key.body.secret })).status).toBe(200);
      const me = await api.call<{ kind: string; apiKeyId: string; permissions: string[] }>(
        'GET',
        '/v1/auth/me',
        {
          token: key.body.secret,
        },
      );
      expect(me.body).toMatchObject({
        kind: 'api_key',
        apiKeyId: key.body.id,
        permissions: ['workflow:read'],
      });

      const source = exampleWithName('hello-world.yaml', `by-key-${randomUUID().slice(0, 8)}`);
      const byKey = await api.call<ErrorBody>('POST', '/v1/workflows', {
        token: key.body.secret,
        text: source,
      });
      expect(byKey.status).toBe(403);
      expect(byKey.body.error.code).toBe('forbidden');
      expect((await api.call('POST', '/v1/workflows', { text: source })).status).toBe(201);

      // A key has no session to end and no second factor of its own.
      for (const path of ['/v1/auth/logout', '/v1/auth/mfa/totp/enroll']) {
        const refused = await api.call<ErrorBody>('POST', path, { token: key.body.secret });
        expect(refused.status).toBe(403);
        expect(refused.body.error.code).toBe('session_required');
      }

      const listed = await api.call<{ items: { id: string }[] }>('GET', '/v1/api-keys');
      expect(listed.body.items.map((k) => k.id)).toContain(key.body.id);
      expect(listed.text).not.toContain(key.body.secret);
      expect(listed.text).not.toMatch(/"(hash|previousHash|secret)"/);
      expect(await auditOf(api.tenant, 'apikey.create', key.body.id)).toHaveLength(1);
    });

    it('cannot be given a permission its creator lacks, nor created without apikey:manage', async () => {
      const admin = await api.createUser(['admin']);
      const escalated = await createKey(admin.token, ['workflow:read', 'audit:read']);
      expect(escalated.status).toBe(403);
      expect(escalated.body.error).toMatchObject({
        code: 'escalation',
        details: { missing: ['audit:read'] },
      });
      expect((await createKey(admin.token, ['workflow:read'])).status).toBe(201);

      const developer = await api.createUser(['developer']);
      const refused = await createKey(developer.token, ['workflow:read']);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');

      // A key that may manage keys still cannot mint one wider than itself.
      const manager = await createKey(api.owner.token, ['apikey:manage', 'workflow:read']);
      const wider = await createKey(manager.body.secret, ['workflow:create']);
      expect(wider.status).toBe(403);
      expect(wider.body.error).toMatchObject({
        code: 'escalation',
        details: { missing: ['workflow:create'] },
      });
    });

    it('is refused once revoked', async () => {
      const key = await createKey(api.owner.token, ['workflow:read']);
      expect((await api.call('GET', '/v1/workflows', { token: key.body.secret })).status).toBe(200);
      expect((await api.call('DELETE', `/v1/api-keys/${key.body.id}`)).status).toBe(204);
      await expectRefused(key.body.secret, 'api_key_revoked');
      expect(await auditOf(api.tenant, 'apikey.revoke', key.body.id)).toHaveLength(1);
      expect((await api.call('DELETE', `/v1/api-keys/${randomUUID()}`)).status).toBe(404);
    });

    it('after rotation, the old secret works for the grace period and then not', async () => {
      const key = await createKey(api.owner.token, ['workflow:read']);
      const rotated = await api.call<ApiKeyBody>('POST', `/v1/api-keys/${key.body.id}/rotate`, {
        json: { graceSeconds: 2 },
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).not.toBe(key.body.secret);
      expect(rotated.body.previousSecretValidUntil).not.toBeNull();

      expect((await api.call('GET', '/v1/workflows', { token: key.body.secret })).status).toBe(200);
      expect((await api.call('GET', '/v1/workflows', { token: rotated.body.secret })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await expectRefused(key.body.secret, 'api_key_previous_expired');
      expect((await api.call('GET', '/v1/workflows', { token: rotated.body.secret })).status).toBe(200);
      expect(await auditOf(api.tenant, 'apikey.rotate', key.body.id)).toHaveLength(1);

      // Only the owner rotates: a rotation hands out a working secret.
      const admin = await api.createUser(['admin']);
      const foreign = await api.call<ErrorBody>('POST', `/v1/api-keys/${key.body.id}/rotate`, {
        token: admin.token,
        json: {},
      });
      expect(foreign.status).toBe(404);
    });
  });
});
