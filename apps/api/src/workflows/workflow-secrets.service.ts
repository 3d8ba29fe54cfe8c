import { Injectable } from '@nestjs/common';
import { FieldCipher } from '@warden/crypto';
import { SECRET_PLACEHOLDER, maskSourceValues, type WorkflowDefinition } from '@warden/definition';
import { sourceChecksum, workflowSecretContext, type WorkflowVersionEntity } from '@warden/persistence';
import type { ProblemDetail } from '../http/api-error';
import type { WorkflowSource } from './workflow-source';
import {
  replaceSecrets,
  sealed,
  sealedConfigOf,
  secretField,
  secretSlots,
  storedSecrets,
  straySecretProblems,
  type SecretConfig,
  type SecretSlot,
} from './workflow-secrets';
import { WorkflowError } from './workflows.errors';

/** A workflow version as it is written: no secret in plaintext, in the source or the definition. */
export interface SealedVersion {
  source: string;
  format: WorkflowSource['format'];
  definition: WorkflowDefinition;
}

/** The version a new one is bound to: its secrets open only there. */
export interface VersionRef {
  tenantId: string;
  workflowId: string;
  version: number;
}

/** Opens the sealed values of one stored version on demand, each at most once. */
export type PreviousSecrets = (field: string) => Promise<string | undefined>;

/**
 * Seals a definition's secrets for the version being written (FieldCipher, bound to tenant,
 * workflow version and field) and masks their text in the stored source. Also reads a
 * previous version's secrets, for the placeholder that keeps one and for "is this the same
 * definition again".
 */
@Injectable()
export class WorkflowSecretsService {
  constructor(private readonly cipher: FieldCipher) {}

  /**
   * Warms the tenant's data key before the write transaction: sealing inside it must not wait
   * for a second pooled connection (the key store's own) while holding the first.
   */
  async prepare(tenantId: string, definition: WorkflowDefinition): Promise<void> {
    // Plugin config may hold writeOnly secrets, known only once pinned: warm for those too.
    const mayHold =
      secretSlots(definition, new Map()).length > 0 || definition.steps.some((s) => s.type === 'plugin');
    if (mayHold) await this.cipher.prepare({ tenantId });
  }

  previous(tenantId: string, workflowId: string, stored: WorkflowVersionEntity): PreviousSecrets {
    const ciphertexts = new Map<string, string>();
    for (const { field, ciphertext } of storedSecrets(stored.definition)) ciphertexts.set(field, ciphertext);
    const opened = new Map<string, Promise<string>>();
    return async (field) => {
      const ciphertext = ciphertexts.get(field);
      if (ciphertext === undefined) return undefined;
      let value = opened.get(field);
      if (value === undefined) {
        value = this.cipher.decrypt(
          workflowSecretContext(tenantId, workflowId, stored.version, field),
          ciphertext,
        );
        opened.set(field, value);
      }
      return value;
    };
  }

  /**
   * The definition with each placeholder the author wrote replaced by the previous version's
   * value of the same field (the source a GET returned, sent back, keeps its secrets).
   */
  async keepPrevious(
    definition: WorkflowDefinition,
    stored: WorkflowVersionEntity,
    previous: PreviousSecrets,
  ): Promise<WorkflowDefinition> {
    const slots = secretSlots(definition, sealedConfigOf(stored.definition)).filter((s) => s.placeholder);
    const kept = new Map<SecretSlot, string>();
    for (const slot of slots) {
      const value = await previous(secretField(slot));
      if (value !== undefined) kept.set(slot, value);
    }
    return replaceSecrets(
      definition,
      slots.filter((s) => kept.has(s)),
      (slot) => {
        const value = kept.get(slot)!;
        return slot.key.startsWith('config.') ? (JSON.parse(value) as unknown) : { secret: true, value };
      },
    );
  }

  /** Whether the source and every secret equal the stored version's (a PUT of the same file). */
  async sameAs(
    source: WorkflowSource,
    definition: WorkflowDefinition,
    stored: WorkflowVersionEntity,
    previous: PreviousSecrets,
  ): Promise<boolean> {
    const slots = secretSlots(definition, sealedConfigOf(stored.definition));
    const masked = maskSourceValues(
      source.text,
      slots.map((s) => s.sourcePath),
    );
    if (masked.unmasked.length > 0 || sourceChecksum(masked.text) !== stored.checksum) return false;
    for (const slot of slots) {
      if ((await previous(secretField(slot))) !== slot.plaintext) return false;
    }
    return true;
  }

  /** Refuses (invalid_definition) what cannot be stored safely; seals and masks the rest. */
  async seal(
    source: WorkflowSource,
    definition: WorkflowDefinition,
    secretConfig: SecretConfig,
    at: VersionRef,
  ): Promise<SealedVersion> {
    const slots = secretSlots(definition, secretConfig);
    const problems = [...straySecretProblems(definition, secretConfig), ...slots.flatMap(placeholderProblem)];
    if (slots.length === 0 && problems.length === 0) {
      return { source: source.text, format: source.format, definition };
    }
    const masked = maskSourceValues(
      source.text,
      slots.map((s) => s.sourcePath),
    );
    for (const path of masked.unmasked) {
      const slot = slots.find((s) => s.sourcePath === path)!;
      problems.push({
        code: 'secret_not_literal',
        path: slot.path,
        message:
          'a secret must be written in place, without a YAML anchor or alias (its text is masked where it is written)',
      });
    }
    if (problems.length > 0) throw refused(problems);
    const ciphertexts = new Map<SecretSlot, string>();
    for (const slot of slots) {
      const context = workflowSecretContext(at.tenantId, at.workflowId, at.version, secretField(slot));
      ciphertexts.set(slot, await this.cipher.encrypt(context, slot.plaintext));
    }
    return {
      source: masked.text,
      format: source.format,
      definition: replaceSecrets(definition, slots, (slot) => sealed(ciphertexts.get(slot)!)),
    };
  }
}

function placeholderProblem(slot: SecretSlot): ProblemDetail[] {
  if (!slot.placeholder) return [];
  return [
    {
      code: 'secret_placeholder',
      path: slot.path,
      message: `'${SECRET_PLACEHOLDER}' keeps the value the previous version stored for this field, and there is none: write the value`,
    },
  ];
}

function refused(problems: ProblemDetail[]): WorkflowError {
  const first = problems[0]!;
  return new WorkflowError(
    'invalid_definition',
    `the definition has ${problems.length} secret problem${problems.length === 1 ? '' : 's'}; first at ${first.path}: ${first.message}`,
    { problems },
  );
}
