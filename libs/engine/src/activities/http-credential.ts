/**
 * How an http step authenticates with the tenant credential it names: the header each vault type
 * sets, the OAuth2 client-credentials exchange, and the refusals (a type with no defined header,
 * a header the step already sets). Every value that could leak is listed for masking.
 */
import { ApplicationFailure } from '@temporalio/common';
import { readCapped } from './read-capped';
import { isRetryableStatus } from './status';
import { ACTIVITY_ERROR_TYPES, type StepCredential } from '../activity-contract';

/** The header a credential sets, and the strings no output, error or log may show. */
export interface CredentialHeader {
  name: string;
  value: string;
  secrets: string[];
}

export interface OAuth2Client {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

export const DEFAULT_API_KEY_HEADER = 'X-API-Key';
/** A token answer is a small JSON document; more than this is not one. */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

function failure(type: string, message: string, nonRetryable = true): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable });
}

function field(credential: StepCredential, name: string, label: string): string {
  const value = credential.data[name];
  if (typeof value !== 'string' || value === '') {
    throw failure(
      ACTIVITY_ERROR_TYPES.credentialUnsupported,
      `credential "${label}" (${credential.type}) has no '${name}'`,
    );
  }
  return value;
}

/** `Basic base64(user:pass)`, as RFC 7617 writes it. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * The header for a bearer, basic or api-key credential; for oauth2-client, the client to ask for
 * a token. `custom` data has no defined header: refused (the step should use a plugin for it).
 */
export function credentialAuth(label: string, credential: StepCredential): CredentialHeader | OAuth2Client {
  switch (credential.type) {
    case 'bearer': {
      const token = field(credential, 'token', label);
      return { name: 'Authorization', value: `Bearer ${token}`, secrets: [token] };
    }
    case 'basic': {
      const username = field(credential, 'username', label);
      const password = field(credential, 'password', label);
      return {
        name: 'Authorization',
        value: basicAuthorization(username, password),
        secrets: [password, `${username}:${password}`],
      };
    }
    case 'api-key': {
      const key = field(credential, 'key', label);
      const header = credential.data.header;
      const name = typeof header === 'string' && header !== '' ? header : DEFAULT_API_KEY_HEADER;
      return { name, value: key, secrets: [key] };
    }
    case 'oauth2-client': {
      const scopes = credential.data.scopes;
      return {
        tokenUrl: field(credential, 'tokenUrl', label),
        clientId: field(credential, 'clientId', label),
        clientSecret: field(credential, 'clientSecret', label),
        scopes: Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [],
      };
    }
    case 'custom':
      throw failure(
        ACTIVITY_ERROR_TYPES.credentialUnsupported,
        `credential "${label}" is of type custom, which an http step cannot apply (no defined header); use a bearer, basic, api-key or oauth2-client credential`,
      );
  }
}

export function oauth2Secrets(client: OAuth2Client): string[] {
  return [client.clientSecret, `${client.clientId}:${client.clientSecret}`];
}

/** The credential's header must not replace or duplicate one the step wrote itself. */
export function assertNoHeaderConflict(
  label: string,
  header: string,
  declared: Record<string, string>,
): void {
  if (Object.keys(declared).some((name) => name.toLowerCase() === header.toLowerCase())) {
    throw failure(
      ACTIVITY_ERROR_TYPES.credentialHeaderConflict,
      `the step sets header '${header}' itself and its credential "${label}" sets it too; remove one`,
    );
  }
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before they go into basic auth. */
const formEncode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);

/**
 * The client-credentials grant (RFC 6749 §4.4): client authenticated with HTTP Basic, the grant
 * and scopes (space-separated) in a form body. Returns the access token, not cached: a token
 * lives no longer than the step's attempt.
 */
export async function fetchAccessToken(
  client: OAuth2Client,
  label: string,
  signal: AbortSignal,
): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (client.scopes.length > 0) body.set('scope', client.scopes.join(' '));
  const tokenFailed = (reason: string, retryable: boolean): ApplicationFailure =>
    failure(
      ACTIVITY_ERROR_TYPES.credentialTokenFailed,
      `credential "${label}": the token endpoint ${reason}`,
      !retryable,
    );
  let response: Response;
  let text: string;
  try {
    response = await fetch(client.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(formEncode(client.clientId), formEncode(client.clientSecret)),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: body.toString(),
      signal,
      redirect: 'manual',
    });
    ({ text } = await readCapped(response, MAX_TOKEN_RESPONSE_BYTES));
  } catch (err) {
    if (signal.aborted) throw err;
    const reason = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw tokenFailed(`could not be reached (${reason})`, true);
  }
  // The answer's body may quote what was sent: only the status is reported.
  if (response.status !== 200) {
    throw tokenFailed(`answered ${response.status}`, isRetryableStatus(response.status));
  }
  return accessTokenOf(text, tokenFailed);
}

function accessTokenOf(
  text: string,
  tokenFailed: (reason: string, retryable: boolean) => ApplicationFailure,
): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw tokenFailed('answered something other than JSON', false);
  }
  const answer = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const token = answer.access_token;
  if (typeof token !== 'string' || token === '') throw tokenFailed('gave no access_token', false);
  const tokenType = answer.token_type;
  if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')) {
    throw tokenFailed(`gave a token of type '${String(tokenType)}', not bearer`, false);
  }
  return token;
}
