/**
 * Part 3 of `npm run bench:crypto`: a 10-activity Temporal run with Warden's tenant data
 * converter (payload codec and failure converter) against the same run with Temporal's default
 * converter, same server, same process, one run at a time, the two sides interleaved.
 *
 * Besides the latency of whole runs (which on a shared machine carries more noise than the codec
 * costs), a wrapper around the codec counts the payloads it sees on the client and the worker,
 * and records one run's calls; replaying those alone gives the codec's own cost per run.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { KeyRing, tenantDataConverter } from '@warden/crypto';
import { startTemporalDevServer } from '@warden/devstack';
import type { CryptoBenchActivities, StepData, tenSteps } from './crypto-workflows';
import { percentile } from './stats';

export interface RunFigures {
  label: string;
  /** Start to result, ms, one run at a time. */
  samples: number[];
}

export interface CodecCost {
  /** Payloads through encode and decode per run (client and worker together). */
  encodedPerRun: number;
  decodedPerRun: number;
  /** One run's codec calls replayed alone, ms: the codec's own cost per run. */
  replayedMs: number;
  /**
   * Wall time inside the codec during the runs, ms per run: an upper bound, since other work
   * of this process (the SDK's) runs in between the codec's awaits.
   */
  wallMsPerRun: number;
}

type CodecCall = { kind: 'encode' | 'decode'; payloads: Payload[] };

/** Counts and times every call; records the calls of one run, to replay them alone later. */
class RecordingCodec implements PayloadCodec {
  encoded = 0;
  decoded = 0;
  nanos = 0n;
  recording = false;
  readonly recorded: CodecCall[] = [];

  constructor(readonly inner: PayloadCodec) {}

  reset(): void {
    this.encoded = 0;
    this.decoded = 0;
    this.nanos = 0n;
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    this.encoded += payloads.length;
    return this.timed({ kind: 'encode', payloads });
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    this.decoded += payloads.length;
    return this.timed({ kind: 'decode', payloads });
  }

  /** The recorded run's calls, `times` over; returns ms per run. */
  async replay(times: number): Promise<number> {
    const start = process.hrtime.bigint();
    for (let i = 0; i < times; i++)
      for (const call of this.recorded) await this.inner[call.kind](call.payloads);
    return Number(process.hrtime.bigint() - start) / 1e6 / times;
  }

  private async timed(call: CodecCall): Promise<Payload[]> {
    if (this.recording) this.recorded.push(call);
    const start = process.hrtime.bigint();
    const out = await this.inner[call.kind](call.payloads);
    this.nanos += process.hrtime.bigint() - start;
    return out;
  }
}

/** The tenant's data converter with its codec wrapped in a recorder. */
function recordedConverter(
  ring: KeyRing,
  tenantId: string,
): { converter: DataConverter; codec: RecordingCodec } {
  const converter = tenantDataConverter(ring, tenantId);
  const codec = new RecordingCodec(converter.payloadCodecs![0]!);
  return { converter: { ...converter, payloadCodecs: [codec] }, codec };
}

const activities: CryptoBenchActivities = {
  step: (input, stepId) => Promise.resolve({ stepId, body: input.body }),
};

export interface MeasureRunsOptions {
  ring: KeyRing;
  tenantId: string;
  steps: number;
  runs: number;
  warmUp: number;
  log: (line: string) => void;
}

export async function measureRuns(
  opts: MeasureRunsOptions,
): Promise<{ plain: RunFigures; encrypted: RunFigures; codec: CodecCost }> {
  const temporal = await startTemporalDevServer({ ui: false, onProgress: opts.log });
  const native = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const counted = recordedConverter(opts.ring, opts.tenantId);
    const workflowsPath = require.resolve('./crypto-workflows');
    const [plainWorker, encryptedWorker] = await Promise.all([
      Worker.create({ connection: native, taskQueue: 'bench-crypto-plain', workflowsPath, activities }),
      Worker.create({
        connection: native,
        taskQueue: 'bench-crypto-encrypted',
        workflowsPath,
        activities,
        dataConverter: counted.converter,
      }),
    ]);
    const sides = [
      { label: 'default converter', client: new Client({ connection }), taskQueue: 'bench-crypto-plain' },
      {
        label: 'tenant codec (AES-256-GCM)',
        client: new Client({ connection, dataConverter: counted.converter }),
        taskQueue: 'bench-crypto-encrypted',
      },
    ];
    const input: StepData = { stepId: 'input', body: 'x'.repeat(1024) };
    const runOnce = async (side: (typeof sides)[number]): Promise<number> => {
      const start = performance.now();
      const result = await side.client.workflow.execute<typeof tenSteps>('tenSteps', {
        taskQueue: side.taskQueue,
        workflowId: `bench-crypto-${randomUUID()}`,
        args: [input, opts.steps],
      });
      if (result.stepId !== `step-${opts.steps}` || result.body !== input.body)
        throw new Error(`${side.label}: the run returned ${JSON.stringify(result).slice(0, 80)}`);
      return performance.now() - start;
    };
    const samples = sides.map(() => [] as number[]);
    await plainWorker.runUntil(() =>
      encryptedWorker.runUntil(async () => {
        for (let i = 0; i < opts.warmUp; i++) for (const side of sides) await runOnce(side);
        counted.codec.recording = true;
        await runOnce(sides[1]!);
        counted.codec.recording = false;
        counted.codec.reset();
        opts.log(`10-step runs: ${opts.runs} per side, one at a time, interleaved ...`);
        for (let i = 0; i < opts.runs; i++) {
          const order = i % 2 === 0 ? [0, 1] : [1, 0];
          for (const k of order) samples[k]!.push(await runOnce(sides[k]!));
        }
      }),
    );
    return {
      plain: { label: sides[0]!.label, samples: samples[0]! },
      encrypted: { label: sides[1]!.label, samples: samples[1]! },
      codec: {
        encodedPerRun: counted.codec.encoded / opts.runs,
        decodedPerRun: counted.codec.decoded / opts.runs,
        replayedMs: await counted.codec.replay(opts.warmUp * 20),
        wallMsPerRun: Number(counted.codec.nanos) / 1e6 / opts.runs,
      },
    };
  } finally {
    await connection.close();
    await native.close();
    await temporal.stop();
  }
}

export function runTable(plain: RunFigures, encrypted: RunFigures): string[][] {
  const base = percentile(plain.samples, 50);
  return [plain, encrypted].map((side) => [
    side.label,
    percentile(side.samples, 50).toFixed(1),
    percentile(side.samples, 95).toFixed(1),
    `${(percentile(side.samples, 50) / base).toFixed(2)}x`,
  ]);
}
