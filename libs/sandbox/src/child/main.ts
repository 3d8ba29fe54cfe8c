/**
 * Entry of a sandbox child process (bundled by the host, run inside bubblewrap). Usage:
 * `node --no-node-snapshot <bundle> <path of isolated_vm.node> <memoryMb>`. Speaks the line
 * protocol of ../protocol.ts on stdin/stdout; stderr carries diagnostics only.
 */
import { createRequire } from 'node:module';
import type IsolatedVM from 'isolated-vm';
import type { ChildMessage, DoneMessage, HostMessage, RunMessage } from '../protocol';
import { lineSplitter } from '../protocol';
import { IsolateRunner } from './runner';

function send(message: ChildMessage, then?: () => void): void {
  process.stdout.write(`${JSON.stringify(message)}\n`, then);
}

function fail(reason: string): never {
  process.stderr.write(`sandbox child: ${reason}\n`);
  process.exit(70);
}

const [nativePath, memoryArg] = process.argv.slice(2);
const memoryMb = Number(memoryArg);
if (!nativePath || !Number.isInteger(memoryMb) || memoryMb < 8) fail('usage: <isolated_vm.node> <memoryMb>');

// The native module is loaded by absolute path: the bundle carries no node_modules of its own.
const loadNative = createRequire(__filename);
const ivm = (loadNative(nativePath) as { ivm: typeof IsolatedVM }).ivm;
const runner = new IsolateRunner(
  ivm,
  memoryMb,
  (message) => send(message),
  (message) => fail(`isolate catastrophic error: ${message}`),
);
let busy = false;

function answer(done: DoneMessage): void {
  busy = false;
  if (done.recycle) {
    send(done, () => process.exit(0));
    return;
  }
  send(done);
}

function run(message: RunMessage): void {
  if (busy || runner.disposed) fail('run while busy or after disposal');
  if (!runner.canRun(message)) {
    send({ t: 'need-code', id: message.id });
    return;
  }
  busy = true;
  runner.run(message, answer);
}

function handle(line: string): void {
  let message: HostMessage;
  try {
    message = JSON.parse(line) as HostMessage;
  } catch {
    fail('unreadable message from host');
  }
  if (message.t === 'run') run(message);
  else if (message.t === 'prepare') runner.prepareNext();
  else if (message.t === 'fetch-reply') runner.deliver(message);
  else fail(`unknown message ${String((message as { t?: unknown }).t)}`);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', lineSplitter(handle));
process.stdin.on('end', () => process.exit(0));
process.on('uncaughtException', (error) => fail(error.stack ?? String(error)));
send({ t: 'ready', memoryMb });
