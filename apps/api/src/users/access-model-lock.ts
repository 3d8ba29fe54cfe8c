import type { TenantTransaction } from '@warden/persistence';

/**
 * Serializes changes to one tenant's access model (user roles, custom roles) until the
 * transaction ends. Without it two concurrent requests could each pass a check the other
 * invalidates: two Owners demoting each other (no Owner left), or a role deleted while being
 * assigned, or two role edits that together form a cycle.
 */
export async function lockAccessModel(tx: TenantTransaction): Promise<void> {
  await tx.manager.query(`SELECT pg_advisory_xact_lock(hashtext('warden.access-model:' || $1))`, [
    tx.tenantId,
  ]);
}

/** Active users holding `roleKey` (the checks count Owners; role deletion counts holders). */
export async function countActiveHolders(tx: TenantTransaction, roleKey: string): Promise<number> {
  const rows: { count: string }[] = await tx.manager.query(
    `SELECT count(*) AS count FROM users WHERE tenant_id = $1 AND status = 'active' AND $2 = ANY (roles)`,
    [tx.tenantId, roleKey],
  );
  return Number(rows[0]?.count ?? 0);
}

/** Users holding `roleKey`, whatever their status (a disabled user may be enabled again). */
export async function countHolders(tx: TenantTransaction, roleKey: string): Promise<number> {
  const rows: { count: string }[] = await tx.manager.query(
    `SELECT count(*) AS count FROM users WHERE tenant_id = $1 AND $2 = ANY (roles)`,
    [tx.tenantId, roleKey],
  );
  return Number(rows[0]?.count ?? 0);
}
