import { GrantEntity, type TenantTransaction } from '@warden/persistence';

/**
 * Grant reads GrantRepository does not offer: by id (to audit what a delete removed) and a
 * filtered list with ids (forPrincipal returns authz's id-less shape). Candidates for the
 * repository.
 */
export async function findGrant(tx: TenantTransaction, grantId: string): Promise<GrantEntity | undefined> {
  return (await tx.manager.findOneBy(GrantEntity, { tenantId: tx.tenantId, id: grantId })) ?? undefined;
}

export async function listGrants(
  tx: TenantTransaction,
  filter: { principalId?: string; resourceId?: string },
  limit: number,
): Promise<GrantEntity[]> {
  return tx.manager.find(GrantEntity, {
    where: {
      tenantId: tx.tenantId,
      ...(filter.principalId === undefined ? {} : { principalId: filter.principalId }),
      ...(filter.resourceId === undefined ? {} : { resourceId: filter.resourceId }),
    },
    order: { createdAt: 'ASC', id: 'ASC' },
    take: limit,
  });
}
