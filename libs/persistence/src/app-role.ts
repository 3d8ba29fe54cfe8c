import { Client } from 'pg';
import { runMigrations } from './data-source';
import { PersistenceError, sqlState } from './persistence.errors';

export const DEFAULT_APP_ROLE = 'warden_app';

export interface AppRoleOptions {
  /** Default 'warden_app'. Lower-case letters, digits and underscores. */
  role?: string;
  /** Set (or reset) as the role's password; omit where the server trusts local connections. */
  password?: string;
}

/**
 * What the application role may do, table by table. The role is never a table owner, so these
 * grants (and row-level security beneath them) are all it has. audit_events takes no UPDATE,
 * DELETE or TRUNCATE from anyone: the chain is append-only. Migration bookkeeping: nothing.
 * The plugin registry's code is immutable to the role: a version may change its status only,
 * a source blob and a pin nothing at all (column grants; REVOKE ALL on a table drops them too).
 * Keys and credentials are never deleted by the role: a data key is destroyed by erasing its
 * bytes, a credential by marking it deleted; a credential version's ciphertext changes only
 * through warden_reseal_credential_version (re-encryption under a newer data key).
 */
const TABLE_PRIVILEGES: Readonly<Record<string, readonly string[]>> = {
  tenants: ['SELECT', 'INSERT', 'UPDATE'],
  signing_keys: ['SELECT', 'INSERT', 'UPDATE'],
  workflows: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  workflow_versions: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  runs: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  users: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  custom_roles: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  grants: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  api_keys: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  refresh_tokens: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  audit_events: ['SELECT', 'INSERT'],
  plugins: ['SELECT', 'INSERT', 'UPDATE ("name", "publisher", "description", "deleted_at")'],
  plugin_versions: ['SELECT', 'INSERT', 'UPDATE ("status")'],
  plugin_blobs: ['SELECT', 'INSERT'],
  plugin_publisher_keys: ['SELECT', 'INSERT', 'UPDATE ("revoked_at")'],
  workflow_plugin_pins: ['SELECT', 'INSERT'],
  tenant_data_keys: [
    'SELECT',
    'INSERT',
    'UPDATE ("wrapped", "master_key_id", "state", "retired_at", "destroyed_at")',
  ],
  credentials: ['SELECT', 'INSERT', 'UPDATE ("description", "current_version", "updated_at", "deleted_at")'],
  credential_versions: ['SELECT', 'INSERT', 'UPDATE ("valid_until")'],
  warden_migrations: [],
};

/**
 * The unscoped lookups (see the tenancy migration): the role's only way around row-level
 * security; and the re-encryption job's one way to change a credential version's ciphertext
 * (forward to a newer data key only, see the key rotation migration).
 */
const LOOKUP_FUNCTIONS = [
  'warden_lookup_api_key(text)',
  'warden_lookup_refresh_token(text)',
  'warden_reseal_credential_version(uuid, integer, text, text, integer)',
];

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates the application role if it does not exist and gives it exactly TABLE_PRIVILEGES in the
 * database of `ownerUrl`. Idempotent; run by the owner after migrations. The role is
 * cluster-wide (LOGIN, NOSUPERUSER, NOBYPASSRLS, NOCREATEROLE, NOCREATEDB); its grants are per
 * database. Refuses an existing role with dangerous attributes it cannot remove.
 */
export async function ensureAppRole(ownerUrl: string, opts: AppRoleOptions = {}): Promise<void> {
  const role = opts.role ?? DEFAULT_APP_ROLE;
  if (!ROLE_NAME.test(role)) throw new RangeError(`'${role}' is not a valid role name`);
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await assertOwnerBypassesRls(client);
    await retryOnCatalogRace(() => ensureRole(client, role, opts.password));
    await grantPrivileges(client, role);
  } finally {
    await client.end();
  }
}

/** The URL of the same database as `ownerUrl`, connecting as the application role. */
export function appDatabaseUrl(ownerUrl: string, role: string = DEFAULT_APP_ROLE, password?: string): string {
  const url = new URL(ownerUrl);
  url.username = encodeURIComponent(role);
  url.password = password === undefined ? '' : encodeURIComponent(password);
  return url.toString();
}

/**
 * The one call that readies a database: migrations, then the application role and its grants,
 * serialized by an advisory lock so that processes booting together do not race. Returns the
 * migrations applied and the URL the API and workers connect with.
 */
export async function prepareDatabase(
  ownerUrl: string,
  opts: AppRoleOptions = {},
): Promise<{ applied: string[]; appUrl: string }> {
  const lock = new Client({ connectionString: ownerUrl });
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext('warden.prepare_database'))`);
    const applied = await runMigrations(ownerUrl);
    await ensureAppRole(ownerUrl, opts);
    return { applied, appUrl: appDatabaseUrl(ownerUrl, opts.role ?? DEFAULT_APP_ROLE, opts.password) };
  } finally {
    await lock.end(); // ends the session, which releases the lock
  }
}

/** The unscoped lookups run as the owner: under FORCE ROW LEVEL SECURITY they would see nothing. */
async function assertOwnerBypassesRls(client: Client): Promise<void> {
  const { rows } = await client.query<{ bypasses: boolean }>(
    `SELECT rolsuper OR rolbypassrls AS bypasses FROM pg_roles WHERE rolname = current_user`,
  );
  if (rows[0]?.bypasses !== true) {
    throw new PersistenceError(
      'owner_cannot_bypass_rls',
      'the database owner needs BYPASSRLS (ALTER ROLE <owner> BYPASSRLS, as a superuser) so that ' +
        'the credential lookups can find rows before a tenant is known',
    );
  }
}

interface RoleRow {
  rolsuper: boolean;
  rolbypassrls: boolean;
  rolcreaterole: boolean;
  rolcreatedb: boolean;
  rolcanlogin: boolean;
  rolreplication: boolean;
}

async function ensureRole(client: Client, role: string, password: string | undefined): Promise<void> {
  const name = client.escapeIdentifier(role);
  const { rows } = await client.query<RoleRow>(
    `SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication
       FROM pg_roles WHERE rolname = $1`,
    [role],
  );
  const attributes = 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION';
  const existing = rows[0];
  if (!existing) {
    await client.query(`CREATE ROLE ${name} ${attributes}`);
  } else if (
    existing.rolsuper ||
    existing.rolbypassrls ||
    existing.rolcreaterole ||
    existing.rolcreatedb ||
    existing.rolreplication ||
    !existing.rolcanlogin
  ) {
    try {
      await client.query(`ALTER ROLE ${name} ${attributes}`);
    } catch (err) {
      throw new PersistenceError(
        'unsafe_app_role',
        `role ${role} exists with privileges it must not have, and they could not be removed: ${String(err)}`,
      );
    }
  }
  // The password goes as a literal (utility statements take no parameters), escaped by pg.
  if (password !== undefined)
    await client.query(`ALTER ROLE ${name} PASSWORD ${client.escapeLiteral(password)}`);
}

/** Revoke-then-grant in one transaction: no moment with too much or too little. */
async function grantPrivileges(client: Client, role: string): Promise<void> {
  const name = client.escapeIdentifier(role);
  await client.query('BEGIN');
  try {
    await client.query(
      `GRANT CONNECT ON DATABASE ${client.escapeIdentifier(await databaseName(client))} TO ${name}`,
    );
    await client.query(`GRANT USAGE ON SCHEMA public TO ${name}`);
    for (const [table, privileges] of Object.entries(TABLE_PRIVILEGES)) {
      const quoted = client.escapeIdentifier(table);
      await client.query(`REVOKE ALL ON TABLE ${quoted} FROM ${name}`);
      if (privileges.length > 0)
        await client.query(`GRANT ${privileges.join(', ')} ON TABLE ${quoted} TO ${name}`);
    }
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON TABLE "audit_events" FROM PUBLIC`);
    for (const fn of LOOKUP_FUNCTIONS) await client.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${name}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

async function databaseName(client: Client): Promise<string> {
  const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
  return rows[0]!.name;
}

/**
 * Roles live in the cluster-wide catalog: two test runs (or two API instances) creating or
 * altering the same role at once can lose a race there. The loser simply tries again.
 */
async function retryOnCatalogRace(step: () => Promise<void>): Promise<void> {
  const RACES = new Set(['42710', '23505', 'XX000']); // duplicate_object, unique_violation, tuple concurrently updated
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      const state = sqlState(err);
      if (attempt >= 3 || state === undefined || !RACES.has(state)) throw err;
    }
  }
}
