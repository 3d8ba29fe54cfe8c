/**
 * The capability broker: the host side of `ctx.fetch`. A plugin's fetch arrives as plain data;
 * the broker allows it only to https hosts on the job's allowlist whose every DNS answer is a
 * public address (or one the operator allowed), connects to exactly the address it checked,
 * re-checks every redirect hop, injects the step's credentials on the host for the hosts they
 * are bound to, and masks them out of the response. Refusals throw
 * `SandboxFailure('capability-denied', <reason>)`; network failures throw FetchNetworkError.
 *
 *   const broker = createFetchBroker({ credentials: vault, allowAddresses: ['10.20.0.0/16'] });
 *   const response = await broker.fetch({ url, method: 'GET', headers: {}, credential: 'github' }, context);
 *
 * `maskSecrets(text, secrets)` redacts secret values and well-known secret shapes from logs,
 * errors and outputs.
 */
export { createFetchBroker, DEFAULT_FETCH_BROKER_LIMITS, type FetchBrokerOptions } from './fetch-broker';
export {
  createAddressPolicy,
  embeddedIpv4,
  METADATA_ADDRESSES,
  REFUSED_RANGES,
  type AddressPolicy,
  type AddressPolicyOptions,
} from './address-policy';
export { InMemoryCredentialResolver } from './credentials';
export { FetchNetworkError } from './denied';
export { maskSecrets, REDACTED, MIN_MASKED_SECRET_LENGTH, type MaskOptions } from './mask';
export { systemResolver, type HostResolver, type ResolvedAddress } from './resolve';
export { checkTarget, hostKeys, type FetchTarget } from './target';
export { withFetchQuota } from './fetch-quota';
