import { DevstackError } from './errors';

export interface WaitForHttpOptions {
  timeoutMs?: number;
  /** Checked between attempts; a returned reason stops the wait (for example: the process died). */
  abortReason?: () => string | undefined;
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttpOk(url: string, opts: WaitForHttpOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const aborted = opts.abortReason?.();
    if (aborted) throw new DevstackError('SERVICE_NOT_READY', `${url} will not become ready: ${aborted}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `HTTP ${response.status} ${(await response.text()).slice(0, 500)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new DevstackError(
    'SERVICE_NOT_READY',
    `${url} did not answer 2xx within ${timeoutMs} ms (last: ${last})`,
  );
}
