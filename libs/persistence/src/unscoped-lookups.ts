import type { DataSource } from 'typeorm';

/**
 * THE ESCAPE HATCH from tenant scoping, and the only one. A bearer credential (API key, refresh
 * token) arrives before anyone knows its tenant, so these find the tenant by the credential's
 * hash across all tenants. They call SECURITY DEFINER functions (tenancy migration) that return
 * the tenant and row id and nothing else; every further read happens in that tenant's
 * transaction under row-level security. Do not add queries here without a reason as strong.
 */
export interface CredentialLocation {
  readonly tenantId: string;
  readonly id: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Matches the current hash or, during a rotation's grace period, the previous one. */
export async function locateApiKey(
  dataSource: DataSource,
  hash: string,
): Promise<CredentialLocation | undefined> {
  return locate(dataSource, 'SELECT tenant_id, id FROM warden_lookup_api_key($1)', hash);
}

export async function locateRefreshToken(
  dataSource: DataSource,
  hash: string,
): Promise<CredentialLocation | undefined> {
  return locate(dataSource, 'SELECT tenant_id, id FROM warden_lookup_refresh_token($1)', hash);
}

async function locate(
  dataSource: DataSource,
  sql: string,
  hash: string,
): Promise<CredentialLocation | undefined> {
  if (!SHA256_HEX.test(hash)) return undefined;
  const rows: { tenant_id: string; id: string }[] = await dataSource.query(sql, [hash]);
  const row = rows[0];
  return row === undefined ? undefined : { tenantId: row.tenant_id, id: row.id };
}
