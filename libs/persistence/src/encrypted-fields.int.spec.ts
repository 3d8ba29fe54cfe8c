import { randomBytes, randomUUID } from 'node:crypto';
import {
  FieldCipher,
  KeyRing,
  LocalKeyProvider,
  seal,
  TENANT_SCOPE,
  type FieldContext,
} from '@warden/crypto';
import type { WorkflowDefinition } from '@warden/definition';
import type { DataSource } from 'typeorm';
import { prepareDatabase } from './app-role';
import { CredentialRepository, credentialFieldContext } from './credential.repository';
import { PostgresDataKeyStore } from './data-key.store';
import { createDataSource } from './data-source';
import { EncryptedFieldRepository, keyVersionSql, mfaSecretContext } from './encrypted-fields';
import { withTenant } from './tenant-db';
import type { TenantScope } from './tenant-scope';
import { UserRepository } from './user.repository';
import { WorkflowRepository, workflowSecretContext } from './workflow.repository';

const ownerUrl = process.env.DATABASE_URL!;

describe('EncryptedFieldRepository', () => {
  let ds: DataSource;
  let scope: TenantScope;
  let ring: KeyRing;
  let cipher: FieldCipher;
  let fields: EncryptedFieldRepository;
  const credentialIds: string[] = [];
  let workflowId: string;
  let legacyUserId: string;
  let sealedUserId: string;

  beforeAll(async () => {
    const { appUrl } = await prepareDatabase(ownerUrl);
    ds = await createDataSource(appUrl).initialize();
    scope = { tenantId: randomUUID() };
    await ds.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, 'Keys')`, [
      scope.tenantId,
      `keys-${scope.tenantId}`,
    ]);
    ring = new KeyRing({
      provider: new LocalKeyProvider(randomBytes(32)),
      store: new PostgresDataKeyStore(ds),
    });
    cipher = new FieldCipher(ring);
    fields = new EncryptedFieldRepository(ds);

    const credentials = new CredentialRepository(ds);
    for (let i = 0; i < 3; i++) {
      const id = randomUUID();
      const ciphertext = await cipher.encrypt(
        credentialFieldContext(scope.tenantId, id, 1),
        `{"token":"t${i}"}`,
      );
      await credentials.create(scope, {
        id,
        name: `cred-${i}`,
        type: 'bearer',
        description: null,
        value: { ciphertext, keyVersion: FieldCipher.keyVersionOf(ciphertext), fieldNames: ['token'] },
        createdBy: 'user:test',
      });
      credentialIds.push(id);
    }
    workflowId = randomUUID();
    const secret = await cipher.encrypt(
      workflowSecretContext(scope.tenantId, workflowId, 1, 'steps.a.env.TOKEN'),
      'env-secret',
    );
    const definition = {
      name: 'keys',
      version: '1',
      inputs: {},
      steps: [
        {
          id: 'a',
          type: 'shell',
          command: 'true',
          env: { TOKEN: { secret: true, ciphertext: secret }, PLAIN: 'x' },
        },
      ],
    } as unknown as WorkflowDefinition;
    await new WorkflowRepository(ds).create(scope, { workflowId, source: 'x', format: 'yaml', definition });

    const users = new UserRepository(ds);
    const legacy = await users.create(scope, {
      email: `l-${randomUUID()}@x.test`,
      displayName: 'L',
      roles: [],
    });
    legacyUserId = legacy.id;
    await users.update(scope, legacy.id, { mfaSecret: 'JBSWY3DPEHPK3PXP' });
    const current = await users.create(scope, {
      email: `s-${randomUUID()}@x.test`,
      displayName: 'S',
      roles: [],
    });
    sealedUserId = current.id;
    await users.update(scope, current.id, {
      mfaSecret: await cipher.encrypt(
        mfaSecretContext({ id: current.id, tenantId: scope.tenantId }),
        'KRSXG5CT',
      ),
    });
  });
  afterAll(async () => {
    await ds?.destroy();
  });

  /** Under the tenant's row-level security, as the application role. */
  const inTenant = <T>(sql: string, params: unknown[]): Promise<T> =>
    withTenant(ds, scope, ({ manager }) => manager.query(sql, params) as Promise<T>);

  it('reads the key version out of FieldCipher text in SQL exactly as FieldCipher does', async () => {
    const context: FieldContext = { tenantId: scope.tenantId, table: 't', recordId: 'r', field: 'f' };
    for (const version of [1, 2, 63, 64, 255, 256, 70_000, 2 ** 31 - 1]) {
      const key = { tenantId: scope.tenantId, scope: TENANT_SCOPE, version, key: randomBytes(32) };
      const text = `wdn1.${seal(key, Buffer.from(JSON.stringify(context)), Buffer.from('x')).toString('base64url')}`;
      const [row] = (await ds.query(`SELECT ${keyVersionSql('$1::text')} AS version`, [text])) as [
        { version: number },
      ];
      expect({ version, read: row.version }).toEqual({ version, read: FieldCipher.keyVersionOf(text) });
    }
    for (const other of ['JBSWY3DPEHPK3PXP', 'wdn1.', 'wdn1.AAAAAAAAAA', '']) {
      const [row] = (await ds.query(`SELECT ${keyVersionSql('$1::text')} AS version`, [other])) as [
        { version: number | null },
      ];
      expect(row.version).toBeNull();
    }
  });

  it('counts what each key version protects, and finds, pages and reseals what is stale', async () => {
    expect(await fields.usage(scope)).toEqual([
      { scope: `subject:${sealedUserId}`, version: 1, ciphertexts: 1 },
      { scope: 'tenant', version: 1, ciphertexts: 4 },
    ]);
    const rotated = await ring.rotate({ tenantId: scope.tenantId, scope: TENANT_SCOPE });
    expect(rotated.version).toBe(2);
    expect(await fields.countStale(scope, 'credential_versions', 2)).toBe(3);
    expect(await fields.countStale(scope, 'workflow_versions', 2)).toBe(1);
    // Only the plaintext one: the other is current under its user's own key.
    expect(await fields.countStale(scope, 'users', 2)).toBe(1);

    const first = await fields.staleRows(scope, 'credential_versions', 2, { after: null, limit: 2 });
    const rest = await fields.staleRows(scope, 'credential_versions', 2, { after: first[1]!.key, limit: 2 });
    expect([...first, ...rest].map((r) => r.key).sort()).toEqual(credentialIds.map((id) => `${id}:1`).sort());

    for (const table of ['credential_versions', 'workflow_versions', 'users'] as const) {
      const rows = await fields.staleRows(scope, table, 2, { after: null, limit: 10 });
      for (const row of rows) {
        const values = await Promise.all(
          row.fields.map((f) =>
            f.sealed ? cipher.reencrypt(f.context, f.value) : cipher.encrypt(f.context, f.value),
          ),
        );
        expect(await withTenant(ds, scope, (tx) => fields.reseal(tx, row, values))).toBe(row.fields.length);
        // What was read is no longer there: the same batch run again writes nothing.
        expect(
          await fields.reseal(
            scope,
            row,
            values.map((v) => `${v}x`),
          ),
        ).toBe(0);
      }
      expect(await fields.countStale(scope, table, 2)).toBe(0);
    }
    expect(await fields.usage(scope)).toEqual(
      [
        { scope: `subject:${legacyUserId}`, version: 1, ciphertexts: 1 },
        { scope: `subject:${sealedUserId}`, version: 1, ciphertexts: 1 },
        { scope: 'tenant', version: 2, ciphertexts: 4 },
      ].sort((a, b) => a.scope.localeCompare(b.scope)),
    );

    const [{ key_version: keyVersion, ciphertext }] = await inTenant<
      [{ key_version: number; ciphertext: string }]
    >(`SELECT key_version, ciphertext FROM credential_versions WHERE credential_id = $1`, [credentialIds[0]]);
    expect(keyVersion).toBe(2);
    expect(
      await cipher.decrypt(credentialFieldContext(scope.tenantId, credentialIds[0]!, 1), ciphertext),
    ).toBe('{"token":"t0"}');
    const [{ definition }] = await inTenant<
      [{ definition: { steps: { env: { TOKEN: { ciphertext: string }; PLAIN: string } }[] } }]
    >(`SELECT definition FROM workflow_versions WHERE workflow_id = $1`, [workflowId]);
    expect(definition.steps[0]!.env.PLAIN).toBe('x');
    expect(
      await cipher.decrypt(
        workflowSecretContext(scope.tenantId, workflowId, 1, 'steps.a.env.TOKEN'),
        definition.steps[0]!.env.TOKEN.ciphertext,
      ),
    ).toBe('env-secret');
    const [{ mfa_secret: mfa }] = await inTenant<[{ mfa_secret: string }]>(
      `SELECT mfa_secret FROM users WHERE id = $1`,
      [legacyUserId],
    );
    expect(await cipher.decrypt(mfaSecretContext({ id: legacyUserId, tenantId: scope.tenantId }), mfa)).toBe(
      'JBSWY3DPEHPK3PXP',
    );
  });

  it('lets the application role move a credential version forward only, through the reseal function', async () => {
    const reseal = (keyVersion: number, read: string) =>
      withTenant(ds, scope, async ({ manager }) => {
        const [row] = (await manager.query(
          `SELECT warden_reseal_credential_version($1, 1, $2, 'wdn1.forged', $3) AS ok`,
          [credentialIds[1], read, keyVersion],
        )) as [{ ok: boolean }];
        return row.ok;
      });
    const read = `SELECT ciphertext FROM credential_versions WHERE credential_id = $1`;
    const [{ ciphertext }] = await inTenant<[{ ciphertext: string }]>(read, [credentialIds[1]]);
    expect(await reseal(2, ciphertext)).toBe(false); // not forward
    expect(await reseal(1, ciphertext)).toBe(false); // backward
    expect(await reseal(3, 'wdn1.not-what-is-stored')).toBe(false); // not what the row holds
    // Another tenant's scope sees no such row.
    const elsewhere = await withTenant(ds, { tenantId: randomUUID() }, async ({ manager }) => {
      const [row] = (await manager.query(
        `SELECT warden_reseal_credential_version($1, 1, $2, 'wdn1.forged', 9) AS ok`,
        [credentialIds[1], ciphertext],
      )) as [{ ok: boolean }];
      return row.ok;
    });
    expect(elsewhere).toBe(false);
    const [after] = await inTenant<[{ ciphertext: string }]>(read, [credentialIds[1]]);
    expect(after.ciphertext).toBe(ciphertext);
  });
});
