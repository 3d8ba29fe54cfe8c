import { createHash, randomUUID } from 'node:crypto';
import type { CustomRole } from '@warden/authz';
import { createKeyProvider, loadCryptoConfig } from '@warden/crypto';
import type { DataSource } from 'typeorm';
import { ApiKeyRepository } from './api-key.repository';
import { prepareDatabase } from './app-role';
import { CustomRoleRepository } from './custom-role.repository';
import { createDataSource } from './data-source';
import { GrantRepository } from './grant.repository';
import { PersistenceError } from './persistence.errors';
import { RefreshTokenRepository, type StoredRefreshToken } from './refresh-token.repository';
import { SigningKeyRepository } from './signing-key.repository';
import { TenantRepository } from './tenant.repository';
import type { TenantScope } from './tenant-scope';
import { UserRepository } from './user.repository';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('identity repositories (as the app role)', () => {
  let ds: DataSource;
  let tenants: TenantRepository;
  let users: UserRepository;
  let a: TenantScope;
  let b: TenantScope;
  let slugA: string;

  beforeAll(async () => {
    const { appUrl } = await prepareDatabase(process.env.DATABASE_URL!);
    ds = await createDataSource(appUrl).initialize();
    tenants = new TenantRepository(ds);
    users = new UserRepository(ds);
    slugA = `acme-${randomUUID().slice(0, 8)}`;
    a = { tenantId: (await tenants.create({ slug: slugA, name: 'Acme' })).id };
    b = { tenantId: (await tenants.create({ slug: `b-${randomUUID().slice(0, 8)}`, name: 'B' })).id };
  });
  afterAll(async () => {
    await ds.destroy();
  });

  it('registers tenants with their isolation, namespace and policy', async () => {
    const slug = `sec-${randomUUID().slice(0, 8)}`;
    const dedicated = await tenants.create({
      slug,
      name: 'Sec',
      isolation: 'dedicated',
      maxProfile: 'restricted',
    });
    expect(dedicated).toMatchObject({ isolation: 'dedicated', namespace: `warden-${slug}`, region: 'local' });
    expect((await tenants.findBySlug(slugA))?.namespace).toBe('default');
    await expect(tenants.create({ slug, name: 'again' })).rejects.toMatchObject({
      code: 'tenant_slug_taken',
    });
    const pooled = (await tenants.listPooled()).map((t) => t.slug);
    expect(pooled).toContain(slugA);
    expect(pooled).not.toContain(slug);
    const quotas = { concurrentRuns: 5, runsPerMinute: 10, apiRequestsPerMinute: 100 };
    const updated = await tenants.updatePolicy(dedicated.id, { quotas, mfaRequiredRoles: ['owner'] });
    expect(updated).toMatchObject({ quotas, mfaRequiredRoles: ['owner'], maxProfile: 'restricted' });
  });

  it('keeps emails unique per tenant ignoring case, and MFA steps and recovery codes single-use', async () => {
    const ada = await users.create(a, {
      email: 'Ada@Example.test',
      displayName: 'Ada',
      roles: ['developer'],
    });
    await expect(users.create(a, { email: 'ada@example.TEST', displayName: 'Ada 2' })).rejects.toEqual(
      new PersistenceError('user_email_taken', `a user with email 'ada@example.TEST' already exists`),
    );
    await expect(
      users.create(b, { email: 'ada@example.test', displayName: 'Other Ada' }),
    ).resolves.toBeDefined();
    expect((await users.findByEmail(a, 'ADA@example.test'))?.id).toBe(ada.id);
    expect(await users.findById(b, ada.id)).toBeUndefined();

    const steps = await Promise.all([1000, 1000, 1000].map((step) => users.advanceMfaStep(a, ada.id, step)));
    expect(steps.filter(Boolean)).toHaveLength(1);
    expect(await users.advanceMfaStep(a, ada.id, 999)).toBe(false);
    expect(await users.advanceMfaStep(b, ada.id, 2000)).toBe(false);

    await users.update(a, ada.id, { recoveryCodeHashes: ['h1', 'h2'] });
    const uses = await Promise.all(['h1', 'h1', 'h1'].map((h) => users.consumeRecoveryCode(a, ada.id, h)));
    expect(uses.filter(Boolean)).toHaveLength(1);
    const lockedUntil = new Date(Date.now() + 60_000);
    await users.saveLockout(a, ada.id, { failedCount: 5, firstFailureAt: new Date(), lockedUntil });
    expect(await users.findById(a, ada.id)).toMatchObject({
      recoveryCodeHashes: ['h2'],
      mfaLastStep: 1000,
      failedCount: 5,
    });
  });

  it('stores custom roles and grants in the shapes authz reads', async () => {
    const roles = new CustomRoleRepository(ds);
    const role: CustomRole = {
      key: 'release-manager',
      name: 'Release',
      extends: 'developer',
      add: [],
      remove: [],
    };
    await roles.create(a, role);
    await expect(roles.create(a, role)).rejects.toMatchObject({ code: 'custom_role_exists' });
    expect(await roles.list(a)).toEqual([role]);
    expect(await roles.list(b)).toEqual([]);

    const grants = new GrantRepository(ds);
    const userId = randomUUID();
    const resourceId = randomUUID();
    const grant = { permission: 'workflow:execute', resourceType: 'Workflow', resourceId } as const;
    await grants.create(a, { ...grant, principal: { type: 'user', id: userId }, grantedBy: null });
    await expect(
      grants.create(a, { ...grant, principal: { type: 'user', id: userId }, grantedBy: null }),
    ).rejects.toMatchObject({ code: 'grant_exists' });
    expect(await grants.forPrincipal(a, { type: 'user', id: userId })).toEqual([grant]);
    expect(await grants.forPrincipal(b, { type: 'user', id: userId })).toEqual([]);
  });

  it('finds an API key by its current or previous hash through the lookup, in its own tenant', async () => {
    const apiKeys = new ApiKeyRepository(ds);
    const owner = await users.create(b, { email: `${randomUUID()}@k.test`, displayName: 'K' });
    const hash = sha256(randomUUID());
    const key = await apiKeys.create(b, {
      ownerUserId: owner.id,
      name: 'ci',
      hash,
      prefix: 'wdn_abc',
      permissions: [],
      expiresAt: null,
    });
    expect((await apiKeys.findByHash(hash))?.tenantId).toBe(b.tenantId);
    const rotated = sha256(randomUUID());
    await apiKeys.saveCredentials(b, key.id, {
      hash: rotated,
      prefix: 'wdn_def',
      previousHash: hash,
      previousHashExpiresAt: new Date(Date.now() + 60_000),
    });
    expect((await apiKeys.findByHash(hash))?.id).toBe(key.id);
    expect((await apiKeys.findByHash(rotated))?.prefix).toBe('wdn_def');
    expect(await apiKeys.findByHash(sha256('unknown'))).toBeUndefined();
    expect(await apiKeys.findById(a, key.id)).toBeUndefined();
    expect(await apiKeys.revoke(a, key.id, new Date())).toBe(false);
  });

  it('uses refresh tokens once, revokes families, and learns the tenant from a presented token', async () => {
    const tokens = new RefreshTokenRepository(ds);
    const user = await users.create(a, { email: `${randomUUID()}@r.test`, displayName: 'R' });
    const now = new Date();
    const later = new Date(now.getTime() + 3_600_000);
    const aToken = (familyId: string): StoredRefreshToken => ({
      id: randomUUID(),
      familyId,
      userId: user.id,
      tenantId: a.tenantId,
      tokenHash: sha256(randomUUID()),
      amr: ['pwd', 'otp'],
      createdAt: now,
      expiresAt: later,
      familyExpiresAt: later,
      usedAt: null,
      revokedAt: null,
    });
    const familyId = randomUUID();
    const first = aToken(familyId);
    await tokens.insert(a, first);
    await expect(tokens.insert(b, aToken(familyId))).rejects.toThrow(/row-level security/);
    expect(await tokens.findByHash(a, first.tokenHash)).toEqual(first);

    const claims = await Promise.all(Array.from({ length: 5 }, () => tokens.markUsed(a, first.id, now)));
    expect(claims.filter(Boolean)).toHaveLength(1);

    const store = tokens.storeForPresentedToken();
    await expect(store.markUsed(first.id, now)).rejects.toThrow('the token has not been looked up yet');
    expect((await store.findByHash(first.tokenHash))?.usedAt).toEqual(now);
    await store.insert(aToken(familyId));
    expect(await store.revokeFamily(familyId, now)).toBe(2);
    expect(await tokens.storeFor(b).findByHash(first.tokenHash)).toBeUndefined();
  });

  it('keeps the platform signing keys and moves only their lifecycle', async () => {
    // The master key every API of the run uses (the default key file): each row of this shared
    // table must open for all of them.
    const keys = new SigningKeyRepository(ds, await createKeyProvider(loadCryptoConfig({})));
    const kid = `kid-${randomUUID()}`;
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: 'x' };
    const created = new Date();
    await keys.insert({
      kid,
      createdAt: created,
      retiredAt: null,
      notAfter: null,
      publicJwk: jwk,
      privateJwk: { ...jwk, d: 'd' },
    });
    await expect(
      keys.insert({
        kid,
        createdAt: created,
        retiredAt: null,
        notAfter: null,
        publicJwk: jwk,
        privateJwk: jwk,
      }),
    ).rejects.toThrow(/pk_signing_keys/);
    const retiredAt = new Date(created.getTime() + 1000);
    const notAfter = new Date(created.getTime() + 2000);
    await keys.update({ kid, createdAt: created, retiredAt, notAfter, publicJwk: jwk, privateJwk: jwk });
    expect((await keys.list()).find((k) => k.kid === kid)).toEqual({
      kid,
      createdAt: created,
      retiredAt,
      notAfter,
      publicJwk: jwk,
      privateJwk: { ...jwk, d: 'd' },
    });
  });
});
