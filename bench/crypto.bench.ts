/**
 * `npm run bench:crypto`: what Warden's encryption costs.
 *
 *  1. FieldCipher encrypt and decrypt of one field (32 B, 1 KiB, 64 KiB) against a baseline in
 *     the same process: a raw AES-256-GCM seal/open with a fixed key (random IV, tag, nothing else);
 *  2. the Temporal payload codec, encode + decode of one typical payload, against an identity
 *     codec (what the SDK does without encryption), with the bytes it adds; for scale, the JSON
 *     payload converter that every payload goes through anyway;
 *  3. a 10-activity Temporal run with the tenant's data converter against the default one
 *     (bench/crypto-runs.ts): latency, and the time spent inside the codec per run.
 *
 * Keys come from the local provider and an in-memory store: the KeyRing caches the data key, so
 * after the first call no case touches a provider, as in production between cache expiries. Each
 * sample times a batch of calls and divides by the batch size; cases are warmed up, then rounds
 * interleave them in a rotating order. Environment (defaults in brackets):
 *   BENCH_CRYPTO_ROUNDS [20]   interleaved rounds of parts 1 and 2
 *   BENCH_CRYPTO_SAMPLES [20]  samples per case per round
 *   BENCH_CRYPTO_RUNS [30]     10-step runs per side in part 3
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import {
  FieldCipher,
  InMemoryDataKeyStore,
  KeyRing,
  LocalKeyProvider,
  TenantPayloadCodec,
  type FieldContext,
} from '@warden/crypto';
import { measureRuns, runTable } from './crypto-runs';
import { percentile } from './stats';
import { table } from './report';
import { log, positiveInt } from './bench-env';

const ROUNDS = positiveInt('BENCH_CRYPTO_ROUNDS', 20);
const SAMPLES = positiveInt('BENCH_CRYPTO_SAMPLES', 20);
const RUNS = positiveInt('BENCH_CRYPTO_RUNS', 30);
const STEPS = 10;
const WARM_UP_CALLS = 2000;

interface Case {
  label: string;
  /** The case its ratio is taken against; none for a baseline. */
  baseline?: Case;
  batch: number;
  run(i: number): unknown;
  /** Checked once before timing, so a broken case cannot look fast. */
  check(): Promise<void>;
}

const sizes = [
  { label: '32 B', bytes: 32, batch: 200 },
  { label: '1 KiB', bytes: 1024, batch: 100 },
  { label: '64 KiB', bytes: 64 * 1024, batch: 4 },
];

function rawSeal(key: Buffer, plaintext: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function rawOpen(key: Buffer, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
}

function expectEqual(label: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${label}: got a different value back`);
}

async function fieldCases(cipher: FieldCipher, tenantId: string): Promise<Case[]> {
  const rawKey = randomBytes(32);
  const field: FieldContext = {
    tenantId,
    table: 'credential_versions',
    recordId: randomUUID(),
    field: 'data',
  };
  const cases: Case[] = [];
  for (const size of sizes) {
    const text = 'k'.repeat(size.bytes);
    const bytes = Buffer.from(text, 'utf8');
    const rawSealed = rawSeal(rawKey, bytes);
    const stored = await cipher.encrypt(field, text);
    const seal: Case = {
      label: `raw AES-256-GCM seal, ${size.label}`,
      batch: size.batch,
      run: () => rawSeal(rawKey, bytes),
      check: () =>
        Promise.resolve(expectEqual('raw seal', rawOpen(rawKey, rawSeal(rawKey, bytes)).equals(bytes), true)),
    };
    const open: Case = {
      label: `raw AES-256-GCM open, ${size.label}`,
      batch: size.batch,
      run: () => rawOpen(rawKey, rawSealed),
      check: () => Promise.resolve(expectEqual('raw open', rawOpen(rawKey, rawSealed).equals(bytes), true)),
    };
    cases.push(
      seal,
      {
        label: `FieldCipher.encrypt, ${size.label}`,
        baseline: seal,
        batch: size.batch,
        run: () => cipher.encrypt(field, text),
        check: async () =>
          expectEqual('encrypt', await cipher.decrypt(field, await cipher.encrypt(field, text)), text),
      },
      open,
      {
        label: `FieldCipher.decrypt, ${size.label}`,
        baseline: open,
        batch: size.batch,
        run: () => cipher.decrypt(field, stored),
        check: async () => expectEqual('decrypt', await cipher.decrypt(field, stored), text),
      },
    );
  }
  return cases;
}

const typicalPayloads: Array<{ label: string; value: unknown; batch: number }> = [
  {
    label: 'run input (~200 B JSON)',
    value: {
      workflowId: randomUUID(),
      version: 3,
      input: { customer: 'c-1042', amount: 1299, currency: 'EUR' },
    },
    batch: 100,
  },
  { label: 'step output (1 KiB)', value: { status: 200, body: 'o'.repeat(1000) }, batch: 100 },
  { label: 'step output (64 KiB)', value: { status: 200, body: 'o'.repeat(64 * 1024) }, batch: 4 },
];

const identity: PayloadCodec = {
  encode: (payloads) => Promise.resolve(payloads),
  decode: (payloads) => Promise.resolve(payloads),
};

const protoBytes = (payload: Payload): number =>
  temporal.api.common.v1.Payload.encode(payload).finish().length;

function codecCases(codec: TenantPayloadCodec): Case[] {
  return typicalPayloads.flatMap((typical) => {
    const payload = defaultPayloadConverter.toPayload(typical.value);
    const roundTrip = async (through: PayloadCodec): Promise<Payload> =>
      (await through.decode(await through.encode([payload])))[0]!;
    const check = (through: PayloadCodec) => async () =>
      expectEqual(
        typical.label,
        JSON.stringify(defaultPayloadConverter.fromPayload(await roundTrip(through))),
        JSON.stringify(typical.value),
      );
    const base: Case = {
      label: `identity codec, ${typical.label}`,
      batch: typical.batch,
      run: () => roundTrip(identity),
      check: check(identity),
    };
    const converter: Case = {
      label: `  (reference) JSON converter to + from payload`,
      batch: typical.batch,
      run: () => defaultPayloadConverter.fromPayload(defaultPayloadConverter.toPayload(typical.value)),
      check: () => Promise.resolve(),
    };
    return [
      base,
      {
        label: `tenant codec, ${typical.label}`,
        baseline: base,
        batch: typical.batch,
        run: () => roundTrip(codec),
        check: check(codec),
      },
      converter,
    ];
  });
}

/** What encryption adds to each payload stored in the history: metadata, header, IV, tag. */
async function payloadSizes(codec: TenantPayloadCodec): Promise<string[][]> {
  const rows: string[][] = [];
  for (const typical of typicalPayloads) {
    const payload = defaultPayloadConverter.toPayload(typical.value);
    const [encoded] = await codec.encode([payload]);
    rows.push([typical.label, String(protoBytes(payload)), `+${protoBytes(encoded!) - protoBytes(payload)}`]);
  }
  return rows;
}

/** Runs one batch and returns the mean time per call in microseconds. */
async function sampleMicros(testCase: Case, offset: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < testCase.batch; i++) {
    const result = testCase.run(offset + i);
    if (result instanceof Promise) await result;
  }
  return Number(process.hrtime.bigint() - start) / testCase.batch / 1000;
}

/** Rotates the order each round, so no case always runs right after the same other one. */
function rotated<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** The last column: how a case compares with its baseline's p50. */
type Compare = (p50: number, baselineP50: number) => string;
const ratio: Compare = (p50, base) => `${(p50 / base).toFixed(2)}x`;
const added: Compare = (p50, base) => `+${(p50 - base).toFixed(2)}`;

async function measure(cases: Case[], compare: Compare): Promise<string[][]> {
  for (const testCase of cases) await testCase.check();
  for (const testCase of cases)
    for (let i = 0; i < Math.max(2, WARM_UP_CALLS / testCase.batch); i++) await sampleMicros(testCase, i);
  const samples = new Map<Case, number[]>(cases.map((c) => [c, []]));
  for (let round = 0; round < ROUNDS; round++)
    for (const testCase of rotated(cases, round))
      for (let s = 0; s < SAMPLES; s++) samples.get(testCase)!.push(await sampleMicros(testCase, s));
  return cases.map((testCase) => {
    const p50 = percentile(samples.get(testCase)!, 50);
    const base = testCase.baseline ? percentile(samples.get(testCase.baseline)!, 50) : undefined;
    return [
      testCase.label,
      p50.toFixed(2),
      percentile(samples.get(testCase)!, 95).toFixed(2),
      base === undefined ? '' : compare(p50, base),
    ];
  });
}

async function main(): Promise<void> {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  const cpus = os.cpus();
  log(
    `host: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), Node ${process.version}, load ${os.loadavg()[0]!.toFixed(2)}`,
  );
  const ring = new KeyRing({
    provider: new LocalKeyProvider(randomBytes(32)),
    store: new InMemoryDataKeyStore(),
  });
  const tenantId = randomUUID();
  log(`${ROUNDS} rounds x ${SAMPLES} samples per case, interleaved; times per call (per field, per payload)`);
  log('');

  const fieldRows = await measure(await fieldCases(new FieldCipher(ring), tenantId), ratio);
  for (const line of table(['1. field encryption', 'p50 us', 'p95 us', 'p50 vs raw'], fieldRows)) log(line);
  log('');

  const codec = new TenantPayloadCodec(ring, tenantId);
  const codecRows = await measure(codecCases(codec), added);
  for (const line of table(
    ['2. payload codec, encode + decode', 'p50 us', 'p95 us', 'us over identity'],
    codecRows,
  ))
    log(line);
  log('');
  for (const line of table(['payload size', 'plain bytes', 'encrypted adds'], await payloadSizes(codec)))
    log(line);
  log('');

  const runs = await measureRuns({ ring, tenantId, steps: STEPS, runs: RUNS, warmUp: 5, log });
  log('');
  for (const line of table(
    ['3. 10-step run, start to result', 'median ms', 'p95 ms', 'vs default'],
    runTable(runs.plain, runs.encrypted),
  ))
    log(line);
  log(
    `codec per encrypted run: ${runs.codec.encodedPerRun} payloads encoded and ${runs.codec.decodedPerRun} decoded ` +
      `(client and worker); that run's codec calls replayed alone: ${runs.codec.replayedMs.toFixed(2)} ms; ` +
      `wall time inside the codec during the runs: ${runs.codec.wallMsPerRun.toFixed(2)} ms (other work interleaves)`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench:crypto failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
