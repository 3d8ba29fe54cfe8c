import { FieldCipher, type KeyRing } from '@warden/crypto';
import type { SecretFields } from '@warden/engine';
import { workflowSecretContext } from '@warden/persistence';
import { processRedactor, type Redactor } from '@warden/redaction';

/**
 * Opens definitions' sealed secrets (step `env` values, http headers, writeOnly plugin config)
 * with the worker's key ring, inside the step's activity. Each value opened is remembered by the
 * process's redactor, so no log line of this process shows it from then on.
 */
export function ringSecretFields(ring: KeyRing, redactor: Redactor = processRedactor): SecretFields {
  const cipher = new FieldCipher(ring);
  return {
    async open(at, ciphertext) {
      const context = workflowSecretContext(at.tenantId, at.workflowId, at.workflowVersion, at.field);
      return cipher.decrypt(context, ciphertext);
    },
    remember(values) {
      redactor.remember(...values);
    },
  };
}
