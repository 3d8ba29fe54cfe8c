/**
 * Messages between the host and a sandbox child: one JSON object per line over stdin/stdout.
 * Everything is plain data; neither side ever evaluates what the other sends.
 */
import type { SandboxFailureKind, SandboxLimits, SandboxLogLine, SandboxUsage } from './contract';

export interface RunMessage {
  t: 'run';
  id: number;
  pluginId: string;
  digest: string;
  /**
   * The compiled module text. Left out when the host has sent this digest to this child before:
   * the child compiles each digest once and keeps the script, so a warm call does not carry (and
   * escape, write, read and parse) the whole plugin again. A child that no longer holds it answers
   * `need-code` and the host sends the run again with the code.
   */
  code?: string;
  /** JSON text, parsed inside the isolate. */
  input: string;
  config: string;
  limits: SandboxLimits;
}

export interface FetchReplyMessage {
  t: 'fetch-reply';
  id: number;
  callId: number;
  ok: boolean;
  /** JSON text of a SandboxFetchResponse when ok, else an error name and message. */
  body: string;
}

/**
 * Sent by the host once it has read an answer and the caller's continuation has run (setImmediate):
 * the child releases the spent context and prepares the next one now. Preparing right after writing the answer, before the host has been
 * scheduled, delayed the host's wake-up by up to a millisecond on a busy machine (it tends to be
 * woken on the writer's CPU); preparing on a timer missed the next call as often as not.
 */
export interface PrepareMessage {
  t: 'prepare';
}

export type HostMessage = RunMessage | FetchReplyMessage | PrepareMessage;

export interface ReadyMessage {
  t: 'ready';
  memoryMb: number;
}

export interface FetchRequestMessage {
  t: 'fetch';
  id: number;
  callId: number;
  /** JSON text written inside the isolate; the host parses and validates its own copy. */
  request: string;
}

export interface DoneMessage {
  t: 'done';
  id: number;
  ok: boolean;
  /** Output JSON text when ok. */
  output?: string;
  kind?: SandboxFailureKind;
  message?: string;
  logs: SandboxLogLine[];
  logsTruncated: boolean;
  usage: SandboxUsage;
  /** The child exits after this message: its isolate breached a limit or was disposed. */
  recycle: boolean;
}

/** The run named a digest without its code, and the child holds no script for it. */
export interface NeedCodeMessage {
  t: 'need-code';
  id: number;
}

export type ChildMessage = ReadyMessage | FetchRequestMessage | DoneMessage | NeedCodeMessage;

/**
 * Splits a text stream into lines and hands each complete line to `onLine`. The stream must be
 * set to utf8 encoding so multi-byte characters are never split across chunks.
 */
export function lineSplitter(
  onLine: (line: string) => void,
  /** Longest line accepted; past it `onOverflow` runs and the rest of the stream is ignored. */
  limit?: { maxLineChars: number; onOverflow: () => void },
): (chunk: string) => void {
  let pending = '';
  let overflowed = false;
  return (chunk) => {
    if (overflowed) return;
    // The usual chunk is one whole message: hand it over without concatenating or re-slicing.
    if (pending === '' && chunk.indexOf('\n') === chunk.length - 1) {
      if (limit && chunk.length - 1 > limit.maxLineChars) {
        overflowed = true;
        limit.onOverflow();
      } else if (chunk.length > 1) onLine(chunk.slice(0, -1));
      return;
    }
    pending += chunk;
    if (
      limit &&
      pending.length > limit.maxLineChars &&
      pending.lastIndexOf('\n', limit.maxLineChars) === -1
    ) {
      overflowed = true;
      pending = '';
      limit.onOverflow();
      return;
    }
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.length > 0) onLine(line);
      newline = pending.indexOf('\n');
    }
  };
}
