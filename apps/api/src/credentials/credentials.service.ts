import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CryptoError, FieldCipher } from '@warden/crypto';
import {
  CredentialRepository,
  credentialFieldContext,
  PersistenceError,
  type CredentialEntity,
  type CredentialUsage,
  type CredentialWithVersion,
  type SealedCredentialValue,
  type TenantScope,
} from '@warden/persistence';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail, type AuditedChange } from '../audit/audit-trail';
import { checkCredentialData } from './credential-data';
import {
  DEFAULT_GRACE_SECONDS,
  toCredentialView,
  type CreateCredentialBody,
  type CredentialRotated,
  type CredentialView,
  type RotateCredentialBody,
  type UpdateCredentialBody,
} from './credentials.dto';
import { credentialNotFound, VaultError } from './credentials.errors';

/** A new version sealed for a number another write took: seal again for the next one. */
const WRITE_ATTEMPTS = 3;

/**
 * The credentials vault. Values are write-only: they are validated, encrypted with the tenant's
 * data key (bound to tenant, credential and version) and never read back here; every answer and
 * every audit event carries metadata only. A value is encrypted before its transaction opens,
 * so no transaction holds a connection while the key ring may need another one.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly credentials: CredentialRepository,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditTrail,
  ) {}

  async create(scope: TenantScope, body: CreateCredentialBody, audit: AuditContext): Promise<CredentialView> {
    const data = checkCredentialData(body.type, body.data);
    const id = randomUUID();
    const value = await this.seal(scope, id, 1, data);
    try {
      const created = await this.audit.within(
        scope,
        audit,
        (tx) =>
          this.credentials.create(tx, {
            id,
            name: body.name,
            type: body.type,
            description: body.description || null,
            value,
            createdBy: audit.actor.id,
          }),
        (result) => event('credential.create', result),
      );
      return toCredentialView(created);
    } catch (err) {
      if (err instanceof PersistenceError && err.code === 'credential_name_taken') {
        throw new VaultError('credential_exists', `a credential named '${body.name}' exists`, {
          problems: [{ path: 'name', message: 'is already taken' }],
        });
      }
      throw err;
    }
  }

  async list(
    scope: TenantScope,
    filter: { limit: number; cursor?: string },
  ): Promise<{ items: CredentialView[]; nextCursor: string | null }> {
    // One more than asked: whether it exists says whether there is a next page.
    const found = await this.credentials.list(scope, {
      limit: filter.limit + 1,
      ...(filter.cursor === undefined ? {} : { after: filter.cursor }),
    });
    const page = found.slice(0, filter.limit);
    const more = found.length > filter.limit;
    return {
      items: page.map(toCredentialView),
      nextCursor: more ? page[page.length - 1]!.credential.name : null,
    };
  }

  async get(scope: TenantScope, id: string): Promise<CredentialView> {
    return toCredentialView(await this.credentials.withCurrentVersion(scope, await this.live(scope, id)));
  }

  /** A new value replaces the old one at once; a description alone makes no new version. */
  async update(
    scope: TenantScope,
    id: string,
    body: UpdateCredentialBody,
    audit: AuditContext,
  ): Promise<CredentialView> {
    const description = body.description === undefined ? undefined : body.description || null;
    if (body.data === undefined) {
      const updated = await this.audit.within(
        scope,
        audit,
        async (tx) => {
          const credential = await this.live(tx, id, 'update');
          await this.credentials.setDescription(tx, id, description ?? null);
          credential.description = description ?? null;
          return this.credentials.withCurrentVersion(tx, credential);
        },
        (result) => event('credential.update', result, { changed: ['description'] }),
      );
      return toCredentialView(updated);
    }
    const { written } = await this.writeVersion(scope, id, body.data, audit, {
      graceMs: 0,
      description,
      describe: (result) =>
        event('credential.update', result, {
          changed: description === undefined ? ['data'] : ['data', 'description'],
        }),
    });
    return toCredentialView(written);
  }

  /** A new value; the previous one keeps working for `graceSeconds` (clients switch over meanwhile). */
  async rotate(
    scope: TenantScope,
    id: string,
    body: RotateCredentialBody,
    audit: AuditContext,
  ): Promise<CredentialRotated> {
    const { written, previousValidUntil } = await this.writeVersion(scope, id, body.data, audit, {
      graceMs: (body.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000,
      describe: (result, until) =>
        event('credential.rotate', result, {
          previousVersion: result.credential.currentVersion - 1,
          previousValidUntil: until.toISOString(),
        }),
    });
    return {
      ...toCredentialView(written),
      previousVersion: {
        version: written.credential.currentVersion - 1,
        validUntil: previousValidUntil.toISOString(),
      },
    };
  }

  /** Soft: the name is free again, and no worker resolves the credential any more. */
  async delete(scope: TenantScope, id: string, audit: AuditContext): Promise<void> {
    await this.audit.within(
      scope,
      audit,
      async (tx) => {
        const credential = await this.live(tx, id, 'update');
        await this.credentials.softDelete(tx, id, new Date());
        return credential;
      },
      (credential) => ({
        action: 'credential.delete',
        target: { type: 'credential', id: credential.id },
        details: { name: credential.name, type: credential.type, version: credential.currentVersion },
      }),
    );
  }

  async usage(scope: TenantScope, id: string): Promise<CredentialUsage[]> {
    return this.credentials.usage(scope, (await this.live(scope, id)).name);
  }

  /**
   * Seals `data` for the version after the current one and appends it in one audited
   * transaction. If another write took that version number meanwhile, the value is sealed again
   * for the next one (its ciphertext is bound to the number).
   */
  private async writeVersion(
    scope: TenantScope,
    id: string,
    data: unknown,
    audit: AuditContext,
    opts: {
      /** How long older versions stay valid after this write; 0: not at all. */
      graceMs: number;
      description?: string | null | undefined;
      describe: (result: CredentialWithVersion, previousValidUntil: Date) => AuditedChange;
    },
  ): Promise<{ written: CredentialWithVersion; previousValidUntil: Date }> {
    for (let attempt = 1; ; attempt++) {
      const credential = await this.live(scope, id);
      const checked = checkCredentialData(credential.type, data);
      const value = await this.seal(scope, id, credential.currentVersion + 1, checked);
      const previousValidUntil = new Date(Date.now() + opts.graceMs);
      try {
        const written = await this.audit.within(
          scope,
          audit,
          async (tx) => {
            const result = await this.credentials.addVersion(tx, id, credential.currentVersion, value, {
              previousValidUntil,
              createdBy: audit.actor.id,
            });
            if (!result) throw credentialNotFound(id);
            if (opts.description !== undefined) {
              await this.credentials.setDescription(tx, id, opts.description);
              result.credential.description = opts.description;
            }
            return result;
          },
          (result) => opts.describe(result, previousValidUntil),
        );
        return { written, previousValidUntil };
      } catch (err) {
        const conflict = err instanceof PersistenceError && err.code === 'version_conflict';
        if (!conflict) throw err;
        if (attempt >= WRITE_ATTEMPTS) {
          throw new VaultError('concurrent_update', 'the credential is being changed by others; try again');
        }
      }
    }
  }

  private async seal(
    scope: TenantScope,
    id: string,
    version: number,
    data: { json: string; fieldNames: string[] },
  ): Promise<SealedCredentialValue> {
    try {
      const ciphertext = await this.cipher.encrypt(
        credentialFieldContext(scope.tenantId, id, version),
        data.json,
      );
      return { ciphertext, keyVersion: FieldCipher.keyVersionOf(ciphertext), fieldNames: data.fieldNames };
    } catch (err) {
      if (err instanceof CryptoError && err.code === 'key_provider_failed') {
        throw new VaultError(
          'vault_unavailable',
          'the key provider could not encrypt the value; nothing was stored',
        );
      }
      throw err;
    }
  }

  private async live(scope: TenantScope, id: string, lock?: 'update'): Promise<CredentialEntity> {
    const credential = await this.credentials.find(scope, id, lock);
    if (!credential) throw credentialNotFound(id);
    return credential;
  }
}

function event(
  action: string,
  { credential }: CredentialWithVersion,
  extra: Record<string, unknown> = {},
): AuditedChange {
  return {
    action,
    target: { type: 'credential', id: credential.id },
    details: { name: credential.name, type: credential.type, version: credential.currentVersion, ...extra },
  };
}
