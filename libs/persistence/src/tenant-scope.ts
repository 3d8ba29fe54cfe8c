/**
 * Every repository method takes a TenantScope as its first argument, so a query without a
 * tenant does not compile. Issue 3 builds scopes from the authenticated principal; until then
 * the API always passes the default tenant.
 */
export interface TenantScope {
  readonly tenantId: string;
}
