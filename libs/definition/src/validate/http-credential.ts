/**
 * An http step's `credential` sets an authentication header when the step runs; a header the
 * step writes itself under that name would be overridden or sent twice, so the activity refuses
 * it. The header is known only once the credential's type is (api-key may name its own), so at
 * save the common names are a warning and the run checks the rest.
 */
import type { StepBase } from '../model';
import type { Problems } from './problems';
import { childPath } from './source-map';

/** `Authorization` for bearer, basic and oauth2-client; `X-API-Key` for an api-key by default. */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key'];

export function checkHttpCredentialHeaders(
  step: StepBase & Record<string, unknown>,
  path: string,
  problems: Problems,
): void {
  if (step.type !== 'http' || typeof step.credential !== 'string') return;
  const headers = step.headers;
  if (typeof headers !== 'object' || headers === null) return;
  for (const name of Object.keys(headers)) {
    if (!CREDENTIAL_HEADERS.includes(name.toLowerCase())) continue;
    problems.add(
      'credential_header_conflict',
      childPath(childPath(path, 'headers'), name),
      `'${name}' is set by the step's credential (bearer, basic, oauth2-client; api-key without its own header); the run fails if both set it`,
      { at: 'key', severity: 'warning' },
    );
  }
}
