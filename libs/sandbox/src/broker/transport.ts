import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { denied } from './denied';

export interface PinnedRequest {
  url: URL;
  /** The checked address: the socket connects here and nowhere else. */
  address: string;
  family: 4 | 6;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Trusted CAs instead of Node's bundle (tests, on-prem CAs). */
  ca?: string | Buffer | (string | Buffer)[];
  maxHeaderBytes: number;
  signal: AbortSignal;
}

/**
 * Sends one request over TLS to the pinned address. The URL's host name stays the TLS server
 * name, the certificate identity checked and the Host header; only name resolution is replaced,
 * so a DNS answer that changes after the check (rebinding) is never consulted.
 */
export function sendPinned(options: PinnedRequest): Promise<IncomingMessage> {
  const { url, address, family, signal } = options;
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return new Promise<IncomingMessage>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const req = request({
      protocol: 'https:',
      hostname: url.hostname,
      port: url.port === '' ? 443 : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: options.method,
      headers: options.headers,
      lookup,
      // No pooled sockets: a kept-alive socket would skip this request's address check.
      agent: false,
      ca: options.ca,
      rejectUnauthorized: true,
      maxHeaderSize: options.maxHeaderBytes,
    });
    const onAbort = () => req.destroy(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    req.once('response', (response) => {
      signal.removeEventListener('abort', onAbort);
      resolve(response);
    });
    req.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    req.end(options.body);
  });
}

export interface BodyRead {
  body: Buffer;
  /** True when the body is longer than `limit` and reading stopped there. */
  truncated: boolean;
}

/**
 * Reads a decoded response body up to `limit` bytes, then stops (the connection is dropped).
 * Known content encodings are decoded here so the broker can mask what the plugin will see; the
 * limit applies to decoded bytes, so a compression bomb stops at the limit too.
 */
export function readBody(response: IncomingMessage, limit: number, signal: AbortSignal): Promise<BodyRead> {
  const stream = decoded(response);
  return new Promise<BodyRead>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: unknown, truncated = false) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else resolve({ body: Buffer.concat(chunks, size), truncated });
      stream.destroy();
      response.destroy();
    };
    const onAbort = () => finish(abortReason(signal));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (size + chunk.length > limit) {
        chunks.push(chunk.subarray(0, limit - size));
        size = limit;
        finish(undefined, true);
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    stream.on('end', () => finish(undefined));
    // Listeners stay after settling: a late error of a destroyed stream must not go unhandled.
    stream.on('error', (error) => finish(error));
    if (stream !== response) response.on('error', (error) => finish(error));
  });
}

/** Response headers that no longer describe the body after decoding. */
export const DECODED_BODY_HEADERS: ReadonlySet<string> = new Set(['content-encoding', 'content-length']);

function decoded(response: IncomingMessage): Readable {
  const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  switch (encoding) {
    case '':
    case 'identity':
      return response;
    case 'gzip':
    case 'x-gzip':
      return response.pipe(createGunzip());
    case 'deflate':
      return response.pipe(createInflate());
    case 'br':
      return response.pipe(createBrotliDecompress());
    default:
      response.destroy();
      throw denied(`fetch refused: the response uses an unsupported content-encoding (${encoding})`);
  }
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
