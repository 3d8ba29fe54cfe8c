import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';

/**
 * Test fixtures: one row per tenant-owned table for a tenant, written with raw SQL (the owner
 * bypasses row-level security, so it can seed any tenant). `aRow` builds a fresh row for one
 * table that references the tenant's seeded parents.
 */
export const TENANT_OWNED_TABLES = [
  'api_keys',
  'audit_events',
  'credential_versions',
  'credentials',
  'custom_roles',
  'grants',
  'plugin_blobs',
  'plugin_publisher_keys',
  'plugin_versions',
  'plugins',
  'refresh_tokens',
  'runs',
  'tenant_data_keys',
  'users',
  'workflow_plugin_pins',
  'workflow_versions',
  'workflows',
] as const;
export type TenantOwnedTable = (typeof TENANT_OWNED_TABLES)[number];

export interface TenantParents {
  tenantId: string;
  workflowId: string;
  userId: string;
  pluginId: string;
  credentialId: string;
}

const hex64 = (): string => (randomUUID() + randomUUID()).replace(/-/g, '').slice(0, 64);

export function aRow(table: TenantOwnedTable, p: TenantParents): Record<string, unknown> {
  const tenant_id = p.tenantId;
  const later = new Date(Date.now() + 3_600_000);
  switch (table) {
    case 'workflows':
      return { id: randomUUID(), tenant_id, name: `wf-${randomUUID()}`, current_version: 1 };
    case 'workflow_versions':
      return {
        id: randomUUID(),
        tenant_id,
        workflow_id: p.workflowId,
        version: Math.floor(Math.random() * 1e6) + 2,
        source: 's',
        format: 'yaml',
        definition: '{}',
        checksum: 'c',
      };
    case 'runs':
      return {
        id: randomUUID(),
        tenant_id,
        workflow_id: p.workflowId,
        workflow_version: 1,
        status: 'pending',
        inputs: '{}',
        profile: 'standard',
        temporal_workflow_id: `t-${randomUUID()}`,
      };
    case 'users':
      return { id: randomUUID(), tenant_id, email: `${randomUUID()}@example.test`, display_name: 'U' };
    case 'custom_roles':
      return { tenant_id, key: `r-${randomUUID().slice(0, 8)}`, name: 'R' };
    case 'grants':
      return {
        id: randomUUID(),
        tenant_id,
        principal_type: 'user',
        principal_id: p.userId,
        permission: 'workflow:execute',
        resource_type: 'Workflow',
        resource_id: p.workflowId,
      };
    case 'api_keys':
      return {
        id: randomUUID(),
        tenant_id,
        owner_user_id: p.userId,
        name: 'k',
        prefix: 'wdn_x',
        hash: hex64(),
      };
    case 'refresh_tokens':
      return {
        id: randomUUID(),
        tenant_id,
        user_id: p.userId,
        family_id: randomUUID(),
        token_hash: hex64(),
        expires_at: later,
        family_expires_at: later,
      };
    case 'plugins':
      return {
        id: randomUUID(),
        tenant_id,
        plugin_key: `acme.p${randomUUID().slice(0, 8)}`,
        name: 'P',
        publisher: 'Acme',
        description: 'd',
        created_by: 'test',
      };
    case 'plugin_versions':
      return {
        id: randomUUID(),
        tenant_id,
        plugin_id: p.pluginId,
        version: `1.0.${Math.floor(Math.random() * 1e6)}`,
        status: 'DRAFT',
        manifest: '{}',
        language: 'javascript',
        source_sha256: hex64(),
        digest: hex64(),
        created_by: 'test',
      };
    case 'plugin_blobs':
      return { tenant_id, sha256: hex64(), content: 'export default { run() {} }' };
    case 'plugin_publisher_keys':
      return {
        id: randomUUID(),
        tenant_id,
        key_id: `pk_${hex64().slice(0, 16)}`,
        name: 'k',
        public_key_pem: 'pem',
        created_by: 'test',
      };
    case 'workflow_plugin_pins':
      return {
        tenant_id,
        workflow_id: p.workflowId,
        workflow_version: 1,
        step_id: `s${randomUUID().slice(0, 8)}`,
        plugin_id: p.pluginId,
        plugin_key: 'acme.p',
        version: '1.0.0',
        digest: hex64(),
      };
    case 'tenant_data_keys':
      return {
        tenant_id,
        scope: `subject:${randomUUID()}`,
        version: 1,
        wrapped: Buffer.from('wrapped'),
        master_key_id: 'local:test',
        state: 'active',
      };
    case 'credentials':
      return {
        id: randomUUID(),
        tenant_id,
        name: `cred-${randomUUID().slice(0, 8)}`,
        type: 'bearer',
        current_version: 1,
        created_by: 'test',
      };
    case 'credential_versions':
      return {
        tenant_id,
        credential_id: p.credentialId,
        version: Math.floor(Math.random() * 1e6) + 2,
        ciphertext: 'wdn1.AAAA',
        key_version: 1,
        field_names: ['token'],
        created_by: 'test',
      };
    case 'audit_events':
      return {
        tenant_id,
        seq: Math.floor(Math.random() * 1e9) + 1000,
        id: randomUUID(),
        occurred_at: new Date(),
        actor_type: 'system',
        actor_id: 'test',
        action: 'test.seed',
        target_type: 'tenant',
        outcome: 'success',
        prev_hash: '0'.repeat(64),
        hash: '0'.repeat(64),
      };
  }
}

export async function insertRow(client: Client, table: string, row: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(row);
  await client.query(
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')})
     VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    Object.values(row),
  );
}

/** A tenant with one row in every tenant-owned table; `owner` must bypass row-level security. */
export async function seedTenant(owner: Client): Promise<TenantParents> {
  const tenantId = randomUUID();
  await owner.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, 'T')`, [tenantId, `t-${tenantId}`]);
  const none = { tenantId, workflowId: '', userId: '', pluginId: '', credentialId: '' };
  const workflow = aRow('workflows', none);
  await insertRow(owner, 'workflows', workflow);
  const user = aRow('users', none);
  await insertRow(owner, 'users', user);
  const plugin = aRow('plugins', none);
  await insertRow(owner, 'plugins', plugin);
  const credential = aRow('credentials', none);
  await insertRow(owner, 'credentials', credential);
  const parents = {
    tenantId,
    workflowId: String(workflow.id),
    userId: String(user.id),
    pluginId: String(plugin.id),
    credentialId: String(credential.id),
  };
  const seeded: readonly TenantOwnedTable[] = ['workflows', 'users', 'plugins', 'credentials'];
  for (const table of TENANT_OWNED_TABLES) {
    if (!seeded.includes(table)) await insertRow(owner, table, aRow(table, parents));
  }
  return parents;
}
