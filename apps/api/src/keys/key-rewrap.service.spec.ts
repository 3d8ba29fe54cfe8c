import { randomBytes, randomUUID } from 'node:crypto';
import {
  FieldCipher,
  InMemoryDataKeyStore,
  KeyRing,
  LocalKeyProvider,
  masterKeyId,
  TENANT_SCOPE,
  type FieldContext,
} from '@warden/crypto';
import { TenantEntity, type TenantScope } from '@warden/persistence';
import type { AuditContext } from '../audit/audit-context';
import type { AuditedChange } from '../audit/audit-trail';
import { KeyRewrapService } from './key-rewrap.service';

const audit: AuditContext = { actor: { type: 'user', id: 'admin' }, requestId: null, sourceIp: null };
const aTenant = (): TenantEntity => Object.assign(new TenantEntity(), { id: randomUUID(), slug: 't' });
const field = (tenantId: string): FieldContext => ({
  tenantId,
  table: 'credential_versions',
  recordId: 'c:1',
  field: 'data',
});

/** Master key rotation, end to end in memory: old key K1, new key K2 with K1 kept as previous. */
describe('KeyRewrapService', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const store = new InMemoryDataKeyStore();
  const tenants = [aTenant(), aTenant()];
  const recorded: { tenantId: string; change: AuditedChange }[] = [];
  const announced: string[] = [];

  let signingKeyRewraps = 0;
  const serviceWith = (ring: KeyRing, known: TenantEntity[]) =>
    new KeyRewrapService(
      ring,
      {
        list: () => Promise.resolve(known),
        findById: (id) => Promise.resolve(known.find((t) => t.id === id)),
      },
      { announce: (tenantId) => Promise.resolve(void announced.push(tenantId)) },
      {
        recordAfter: (scope: TenantScope, _context: AuditContext, change: AuditedChange) =>
          Promise.resolve(void recorded.push({ tenantId: scope.tenantId, change })),
      },
      {
        rewrapAll: () => {
          signingKeyRewraps += 1;
          return Promise.resolve(2);
        },
      },
    );

  it('wraps every tenant key under the new master key; the old one is then no longer needed', async () => {
    const before = new KeyRing({ provider: new LocalKeyProvider(k1), store });
    const sealed = new Map<string, string>();
    for (const tenant of tenants) {
      sealed.set(
        tenant.id,
        await new FieldCipher(before).encrypt(field(tenant.id), `secret of ${tenant.id}`),
      );
    }
    // Two versions for the first tenant: both must move.
    await before.rotate({ tenantId: tenants[0]!.id, scope: TENANT_SCOPE });

    const rotated = new KeyRing({ provider: new LocalKeyProvider(k2, [k1]), store });
    const result = await serviceWith(rotated, tenants).rewrap({}, audit);
    expect(result).toEqual({
      masterKeyId: masterKeyId(k2),
      tenants: 2,
      rewrapped: 3,
      signingKeys: 2,
      failures: [],
    });
    expect(signingKeyRewraps).toBe(1);
    for (const tenant of tenants) {
      for (const key of await store.list(tenant.id)) expect(key.masterKeyId).toBe(masterKeyId(k2));
    }
    expect(recorded.map((r) => [r.tenantId, r.change.action, r.change.details])).toEqual([
      [tenants[0]!.id, 'key.rewrap', { masterKeyId: masterKeyId(k2), rewrapped: 2 }],
      [tenants[1]!.id, 'key.rewrap', { masterKeyId: masterKeyId(k2), rewrapped: 1 }],
    ]);
    expect(announced).toEqual(tenants.map((t) => t.id));

    // K1 is gone: a process holding only K2 reads everything; one holding only K1 reads nothing.
    const after = new FieldCipher(new KeyRing({ provider: new LocalKeyProvider(k2), store }));
    const stale = new FieldCipher(new KeyRing({ provider: new LocalKeyProvider(k1), store }));
    for (const tenant of tenants) {
      expect(await after.decrypt(field(tenant.id), sealed.get(tenant.id)!)).toBe(`secret of ${tenant.id}`);
      await expect(stale.decrypt(field(tenant.id), sealed.get(tenant.id)!)).rejects.toMatchObject({
        code: 'master_key_mismatch',
      });
    }
    // Run again: nothing left to do.
    expect((await serviceWith(rotated, tenants).rewrap({}, audit)).rewrapped).toBe(0);
  });

  it('reports a tenant whose keys it cannot unwrap and goes on with the others', async () => {
    const lost = aTenant();
    await new KeyRing({ provider: new LocalKeyProvider(randomBytes(32)), store }).currentKey({
      tenantId: lost.id,
      scope: TENANT_SCOPE,
    });
    const fresh = aTenant();
    const k3 = randomBytes(32);
    const ring = new KeyRing({ provider: new LocalKeyProvider(k3, [k2]), store });
    const unknown = randomUUID();
    recorded.length = 0;
    const result = await serviceWith(ring, [...tenants, lost, fresh]).rewrap(
      { tenantIds: [lost.id, tenants[1]!.id, unknown] },
      audit,
    );
    // A call narrowed to some tenants leaves the platform's signing keys alone.
    expect(result.signingKeys).toBe(0);
    expect(result.tenants).toBe(1);
    expect(result.rewrapped).toBe(1);
    expect(result.failures).toEqual([
      { tenantId: lost.id, code: 'master_key_mismatch', message: expect.any(String) as string },
      { tenantId: unknown, code: 'tenant_not_found', message: 'no such tenant' },
    ]);
    expect(recorded.map((r) => [r.tenantId, r.change.outcome ?? 'success'])).toEqual([
      [lost.id, 'failure'],
      [tenants[1]!.id, 'success'],
    ]);
  });
});
