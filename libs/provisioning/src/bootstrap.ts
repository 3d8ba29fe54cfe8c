/**
 * First tenant and first platform admin: what `warden admin bootstrap` and the dev stack run
 * against the database directly, before anyone can sign in to the API. Idempotent: an existing
 * tenant or user is kept as it is (a password is never overwritten).
 */
import { randomBytes } from 'node:crypto';
import { PERMISSIONS } from '@warden/authz';
import type { SecurityProfile } from '@warden/definition';
import { checkPasswordPolicy, generateApiKey, hashPassword } from '@warden/identity';
import {
  ApiKeyRepository,
  appDatabaseUrl,
  createDataSource,
  DEFAULT_APP_ROLE,
  prepareDatabase,
  TenantRepository,
  UserRepository,
} from '@warden/persistence';

export interface BootstrapInput {
  /** The owner URL (it migrates and creates the application role). */
  databaseUrl: string;
  tenantSlug: string;
  tenantName?: string;
  /** The tenant's security ceiling when it is created (default 'standard': no shell steps). */
  maxProfile?: SecurityProfile;
  email: string;
  /** Generated (and returned) when absent. */
  password?: string;
  /** Also create an API key for the owner (returned once). */
  apiKeyName?: string;
}

export interface BootstrapResult {
  tenant: { id: string; slug: string; created: boolean };
  user: { id: string; email: string; created: boolean };
  /** Only when it was generated here. */
  generatedPassword?: string;
  apiKey?: string;
}

export async function bootstrapPlatformAdmin(input: BootstrapInput): Promise<BootstrapResult> {
  await prepareDatabase(input.databaseUrl);
  const dataSource = await createDataSource(appDatabaseUrl(input.databaseUrl, DEFAULT_APP_ROLE), {
    poolSize: 2,
  }).initialize();
  try {
    const tenants = new TenantRepository(dataSource);
    const users = new UserRepository(dataSource);
    let tenant = await tenants.findBySlug(input.tenantSlug);
    const tenantCreated = tenant === undefined;
    tenant ??= await tenants.create({
      slug: input.tenantSlug,
      name: input.tenantName ?? input.tenantSlug,
      ...(input.maxProfile === undefined ? {} : { maxProfile: input.maxProfile }),
    });
    const scope = { tenantId: tenant.id };

    let user = await users.findByEmail(scope, input.email);
    const userCreated = user === undefined;
    let generatedPassword: string | undefined;
    if (!user) {
      const password = input.password ?? (generatedPassword = randomBytes(18).toString('base64url'));
      checkPasswordPolicy(password, input.email);
      user = await users.create(scope, {
        email: input.email,
        displayName: input.email.split('@')[0] ?? input.email,
        passwordHash: await hashPassword(password),
        roles: ['owner'],
        platformAdmin: true,
      });
    }

    let apiKey: string | undefined;
    if (input.apiKeyName !== undefined) {
      const key = generateApiKey();
      await new ApiKeyRepository(dataSource).create(scope, {
        ownerUserId: user.id,
        name: input.apiKeyName,
        hash: key.hash,
        prefix: key.prefix,
        permissions: [...PERMISSIONS],
        expiresAt: null,
      });
      apiKey = key.secret;
    }
    return {
      tenant: { id: tenant.id, slug: tenant.slug, created: tenantCreated },
      user: { id: user.id, email: user.email, created: userCreated },
      ...(generatedPassword === undefined ? {} : { generatedPassword }),
      ...(apiKey === undefined ? {} : { apiKey }),
    };
  } finally {
    await dataSource.destroy();
  }
}
