import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AddressPolicy } from './address-policy';
import { denied, FetchNetworkError } from './denied';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses. Injectable so tests can map names to loopback. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * Resolves the host and returns the address to connect to. Refuses when ANY answer is refused:
 * picking a good one out of a mixed answer would let a name that also points inside the network
 * through on the next resolution, and a mixed answer is itself a sign of a rebinding attempt.
 */
export async function resolveChecked(
  hostname: string,
  resolver: HostResolver,
  policy: AddressPolicy,
  signal: AbortSignal,
): Promise<ResolvedAddress> {
  let answers: readonly ResolvedAddress[];
  try {
    answers = await untilAborted(resolver(hostname), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    throw new FetchNetworkError(
      `fetch to ${hostname} failed: the host name could not be resolved`,
      errorCode(error),
    );
  }
  if (answers.length === 0) {
    throw new FetchNetworkError(`fetch to ${hostname} failed: the host name has no addresses`);
  }
  for (const { address } of answers) {
    const reason = policy.refusalReason(address);
    if (reason !== undefined) throw denied(`fetch refused: ${hostname} resolves to ${reason}`);
  }
  const [first] = answers as [ResolvedAddress];
  return { address: first.address, family: isIP(first.address) === 6 ? 6 : 4 };
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
