/**
 * @warden/provisioning: the first tenant and platform admin of an installation, written straight
 * to the database before anyone can sign in. Used by `warden admin bootstrap`, by the API on
 * first start (WARDEN_BOOTSTRAP_* variables) and by `warden dev`.
 *
 *   const result = await bootstrapPlatformAdmin({ databaseUrl, tenantSlug: 'acme', email });
 */
export { bootstrapPlatformAdmin, type BootstrapInput, type BootstrapResult } from './bootstrap';
export { rotateSigningKey } from './signing-keys';
