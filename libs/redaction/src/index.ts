/**
 * @warden/redaction: keeps secrets out of logs, errors and outputs. A Redactor remembers the
 * secret values a process handles (credentials as a worker decrypts them) and masks them, in the
 * encoded forms they are commonly re-written in, together with well-known secret shapes.
 *
 *   processRedactor.remember(password);
 *   logLine = JSON.stringify(processRedactor.maskDeep(entry));   // password → ***
 *
 * `redact(text, secrets)` masks a short-lived set of secrets (one sandbox invocation's).
 * Pure: no I/O, no dependencies.
 */
import { Redactor } from './redactor';

export { Redactor, type RedactorOptions } from './redactor';
export { DEFAULT_MARKER, redact, type RedactOptions } from './redact';
export { MIN_SECRET_LENGTH, secretForms } from './secret-forms';
export { isSecretName } from './sensitive-keys';

/**
 * The process's one Redactor: loggers mask every line with it, and whatever decrypts a secret
 * remembers the value in it, so a value decrypted anywhere in the process is masked everywhere.
 */
export const processRedactor = new Redactor();
