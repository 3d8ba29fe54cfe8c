import { SECURITY_PROFILES } from '@warden/definition';
import { IdentityError } from '@warden/identity';
import type { Command } from 'commander';
import { bootstrapPlatformAdmin, rotateSigningKey } from '@warden/provisioning';
import { CommandExit, EXIT } from '../cli-errors';
import type { Output } from '../output';

interface BootstrapOptions {
  tenant: string;
  name?: string;
  email: string;
  maxProfile?: string;
  passwordEnv: string;
  apiKey?: string;
}

/**
 * `warden admin bootstrap`: the first tenant and its first Owner (a platform admin), written
 * straight to the database named by DATABASE_URL. The password comes from an environment
 * variable, never the command line (shell history, process lists), or is generated and shown once.
 */
export function registerAdminCommand(program: Command, output: Output): void {
  const admin = program.command('admin').description('operator commands that act on the database directly');
  admin
    .command('bootstrap')
    .description('create the first tenant and its Owner (a platform admin); safe to run again')
    .requiredOption('--tenant <slug>', 'tenant slug (a DNS label, e.g. acme)')
    .option('--name <name>', 'tenant display name (default: the slug)')
    .requiredOption('--email <email>', "the Owner's email")
    .option(
      '--max-profile <profile>',
      `the tenant's security ceiling: ${SECURITY_PROFILES.join(', ')} (default standard)`,
    )
    .option('--password-env <var>', 'environment variable holding the password', 'WARDEN_BOOTSTRAP_PASSWORD')
    .option('--api-key <name>', 'also create an API key with this name for the Owner (shown once)')
    .action(async (options: BootstrapOptions) => {
      const databaseUrl = process.env.DATABASE_URL;
      if (!databaseUrl) {
        output.err('warden admin bootstrap: DATABASE_URL is required (the database owner, which migrates)');
        throw new CommandExit(EXIT.usage);
      }
      const password = process.env[options.passwordEnv] || undefined;
      const maxProfile = SECURITY_PROFILES.find((p) => p === options.maxProfile);
      if (options.maxProfile !== undefined && maxProfile === undefined) {
        output.err(`warden admin bootstrap: --max-profile must be one of ${SECURITY_PROFILES.join(', ')}`);
        throw new CommandExit(EXIT.usage);
      }
      try {
        const result = await bootstrapPlatformAdmin({
          databaseUrl,
          tenantSlug: options.tenant,
          ...(options.name === undefined ? {} : { tenantName: options.name }),
          email: options.email,
          ...(maxProfile === undefined ? {} : { maxProfile }),
          ...(password === undefined ? {} : { password }),
          ...(options.apiKey === undefined ? {} : { apiKeyName: options.apiKey }),
        });
        output.out(
          `tenant ${result.tenant.slug} (${result.tenant.id}) ${result.tenant.created ? 'created' : 'already existed'}`,
        );
        output.out(
          `owner ${result.user.email} (${result.user.id}) ${result.user.created ? 'created' : 'already existed; password unchanged'}`,
        );
        if (result.generatedPassword)
          output.out(`generated password (shown once): ${result.generatedPassword}`);
        if (result.apiKey) output.out(`API key (shown once): ${result.apiKey}`);
        output.out(
          `sign in: POST /v1/auth/login {"tenant":"${result.tenant.slug}","email":"${result.user.email}","password":"..."}`,
        );
      } catch (err) {
        if (err instanceof IdentityError || err instanceof RangeError) {
          output.err(`warden admin bootstrap: ${err.message}`);
          throw new CommandExit(EXIT.usage);
        }
        throw err;
      }
    });
  admin
    .command('rotate-signing-key')
    .description('sign access tokens with a new key; the old one verifies until its tokens expire')
    .action(async () => {
      const databaseUrl = process.env.DATABASE_URL;
      if (!databaseUrl) {
        output.err('warden admin rotate-signing-key: DATABASE_URL is required');
        throw new CommandExit(EXIT.usage);
      }
      const { kid, keys } = await rotateSigningKey(databaseUrl);
      output.out(`signing with key ${kid}; ${keys} key(s) in /.well-known/jwks.json`);
    });
}
