/**
 * The credentials vault on the worker, one reader for both users of it: the sandbox's broker
 * (a plugin step's bound slot, as the plugin's fetch needs it) and the http step's activity (the
 * step's `credential`). It reads the tenant's current version (ciphertext only), decrypts it in
 * memory, tells the process's redactor about the secret values, and audits the use
 * (`credential.use`: name, version, run, step, plugin) before handing the value out.
 */
import { AuditLog } from '@warden/audit';
import { CryptoError, FieldCipher, type KeyRing } from '@warden/crypto';
import {
  CredentialRepository,
  credentialFieldContext,
  withTenant,
  type CredentialType,
  type UsableCredential,
} from '@warden/persistence';
import { StepCredentialError, type StepCredential, type StepCredentials } from '@warden/engine';
import { processRedactor, type Redactor } from '@warden/redaction';
import {
  SandboxFailure,
  type CredentialResolver,
  type CredentialUse,
  type CredentialValue,
} from '@warden/sandbox';
import type { DataSource } from 'typeorm';

export interface VaultCredentialResolverDeps {
  dataSource: DataSource;
  cipher: FieldCipher;
  /** Learns every decrypted secret value (default: the process's). */
  redactor?: Redactor;
  now?: () => Date;
}

/** The resolver of a worker process: its database, its key ring, the process's redactor. */
export function ringCredentialResolver(dataSource: DataSource, ring: KeyRing): VaultCredentialResolver {
  return new VaultCredentialResolver({ dataSource, cipher: new FieldCipher(ring) });
}

/** Refusals the step shows: the plugin's fetch fails with this message, the step with it. */
function refused(message: string): SandboxFailure {
  return new SandboxFailure('capability-denied', `fetch refused: ${message}`);
}

/** Who uses a credential: a plugin's slot (pluginId) or an http step (none). */
type VaultUse = Partial<CredentialUse>;

/** A decrypted credential, or why there is none (the refusal is audited already). */
type Opened =
  | { ok: true; credential: StepCredential }
  | { ok: false; reason: 'not_found' | 'unreadable'; message: string; retryable: boolean };

export class VaultCredentialResolver implements CredentialResolver {
  private readonly credentials: CredentialRepository;
  private readonly redactor: Redactor;
  private readonly now: () => Date;

  constructor(private readonly deps: VaultCredentialResolverDeps) {
    this.credentials = new CredentialRepository(deps.dataSource);
    this.redactor = deps.redactor ?? processRedactor;
    this.now = deps.now ?? (() => new Date());
  }

  async resolve(tenantId: string, name: string, use?: CredentialUse): Promise<CredentialValue> {
    const opened = await this.open(tenantId, name, use);
    if (!opened.ok) throw refused(opened.message);
    return credentialValue(opened.credential.type, opened.credential.data);
  }

  /** The port http steps use: the same reader, refusals as the engine's StepCredentialError. */
  forHttpSteps(): StepCredentials {
    return {
      resolve: async ({ tenantId, runId, stepId, name }) => {
        const opened = await this.open(tenantId, name, { runId, stepId });
        if (!opened.ok) throw new StepCredentialError(opened.reason, opened.message, opened.retryable);
        return opened.credential;
      },
    };
  }

  /** Reads, decrypts, remembers the secrets and audits: every use of a credential goes through here. */
  async open(tenantId: string, name: string, use?: VaultUse): Promise<Opened> {
    const found = await this.credentials.resolveForUse({ tenantId }, name, this.now());
    if (found === undefined) {
      await this.audit(tenantId, name, use, { outcome: 'failure', reason: 'not_found' });
      return {
        ok: false,
        reason: 'not_found',
        message: `credential "${name}" does not exist in this tenant (or was deleted)`,
        retryable: false,
      };
    }
    let data: Record<string, unknown>;
    try {
      data = await this.decrypt(tenantId, found);
    } catch (error) {
      const reason = error instanceof CryptoError ? error.code : 'unreadable';
      await this.audit(tenantId, name, use, { outcome: 'failure', reason, found });
      return {
        ok: false,
        reason: 'unreadable',
        message: `credential "${name}" version ${found.version} could not be decrypted (${reason})`,
        // A key provider (KMS) that did not answer may answer the next attempt.
        retryable: reason === 'key_provider_failed',
      };
    }
    this.redactor.remember(...secretValues(found.type, data, credentialValue(found.type, data)));
    // No record, no use: if the audit write fails, so does the use.
    await this.audit(tenantId, name, use, { outcome: 'success', found });
    return { ok: true, credential: { type: found.type, data } };
  }

  private async decrypt(tenantId: string, found: UsableCredential): Promise<Record<string, unknown>> {
    const context = credentialFieldContext(tenantId, found.credentialId, found.version);
    const parsed: unknown = JSON.parse(await this.deps.cipher.decrypt(context, found.ciphertext));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('the decrypted value is not an object');
    }
    return parsed as Record<string, unknown>;
  }

  private async audit(
    tenantId: string,
    name: string,
    use: VaultUse | undefined,
    result: { outcome: 'success' | 'failure'; reason?: string; found?: UsableCredential },
  ): Promise<void> {
    await withTenant(this.deps.dataSource, { tenantId }, (tx) =>
      AuditLog.append(tx.manager, {
        tenantId,
        actor: { type: 'system', id: 'worker' },
        action: 'credential.use',
        target: { type: 'credential', id: result.found?.credentialId ?? null },
        outcome: result.outcome,
        details: {
          name,
          version: result.found?.version ?? null,
          type: result.found?.type ?? null,
          runId: use?.runId ?? null,
          stepId: use?.stepId ?? null,
          pluginId: use?.pluginId ?? null,
          ...(result.reason === undefined ? {} : { reason: result.reason }),
        },
      }),
    );
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * What the broker injects, by type. An OAuth2 client is offered as basic auth (client id and
 * secret), the way token endpoints take it; custom data offers its `token`, `username` and
 * `password` fields if it has them.
 */
export function credentialValue(type: CredentialType, data: Record<string, unknown>): CredentialValue {
  switch (type) {
    case 'api-key':
      return { token: text(data.key) };
    case 'bearer':
      return { token: text(data.token) };
    case 'basic':
      return { username: text(data.username), password: text(data.password) };
    case 'oauth2-client':
      return { username: text(data.clientId), password: text(data.clientSecret) };
    case 'custom':
      return {
        token: text(data.token) ?? text(data.key),
        username: text(data.username),
        password: text(data.password),
      };
  }
}

/** The values no log may show: the secret fields, and `user:password` (a basic header's base64). */
export function secretValues(
  type: CredentialType,
  data: Record<string, unknown>,
  value: CredentialValue,
): string[] {
  const secrets =
    type === 'custom'
      ? Object.values(data).filter((v): v is string => typeof v === 'string')
      : [value.token, value.password].filter((v): v is string => v !== undefined);
  if (value.username !== undefined && value.password !== undefined) {
    secrets.push(`${value.username}:${value.password}`);
  }
  return secrets;
}
