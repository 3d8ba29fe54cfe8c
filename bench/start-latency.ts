/**
 * Start-run latency through the API with authentication on and off, in one process against one
 * server: "off" swaps the global guard's check for one that hands every request the identity the
 * real guard established once (the token is still sent), so the difference is what authentication
 * and authorization cost per start: token verification, the identity lookup, the CASL check.
 */
import type { ExecutionContext } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { AccessGuard } from '../apps/api/src/auth/access.guard';
import type { RequestIdentity, WardenRequest } from '../apps/api/src/http/request-context';
import { startBenchStack } from './stack';
import { percentile } from './stats';

const NOOP_WORKFLOW = [
  'name: bench-start-latency',
  'version: 1',
  'steps:',
  '  - id: only',
  '    type: noop',
  '',
].join('\n');

async function post(url: string, authorization: string, contentType: string, body: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization, 'content-type': contentType },
    body,
  });
  const parsed: unknown = await res.json();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

export async function measureStartLatency(
  log: (line: string) => void,
  rounds: number,
  perRound: number,
): Promise<string[]> {
  const stack = await startBenchStack(log);
  try {
    const { id } = (await post(
      `${stack.api}/v1/workflows`,
      stack.authorization,
      'application/yaml',
      NOOP_WORKFLOW,
    )) as {
      id: string;
    };
    const start = async (): Promise<number> => {
      const began = performance.now();
      await post(`${stack.api}/v1/workflows/${id}/runs`, stack.authorization, 'application/json', '{}');
      return performance.now() - began;
    };

    const guard = stack.app.get(AccessGuard);
    const real = guard.canActivate.bind(guard);
    let identity: RequestIdentity | undefined;
    guard.canActivate = async (context: ExecutionContext) => {
      const allowed = await real(context);
      identity = context.switchToHttp().getRequest<WardenRequest>().warden;
      return allowed;
    };
    await start();
    const modes = {
      on: real,
      off: async (context: ExecutionContext) => {
        context.switchToHttp().getRequest<WardenRequest>().warden = identity;
        return true;
      },
    };
    const samples = { on: [] as number[], off: [] as number[] };
    for (let round = -1; round < rounds; round++) {
      // Round -1 warms up; the order alternates so a drifting machine affects both alike.
      const order = round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
      for (const mode of order) {
        guard.canActivate = modes[mode];
        for (let i = 0; i < perRound; i++) {
          const ms = await start();
          if (round >= 0) samples[mode].push(ms);
        }
      }
    }
    guard.canActivate = real;
    const row = (mode: 'on' | 'off'): string[] => [
      `authentication ${mode}`,
      percentile(samples[mode], 50).toFixed(2),
      percentile(samples[mode], 99).toFixed(2),
    ];
    const ratio = percentile(samples.on, 50) / percentile(samples.off, 50);
    return [
      `start-run latency (POST /v1/workflows/:id/runs -> 202), ${rounds} rounds x ${perRound} starts per mode, interleaved:`,
      ...[['mode', 'p50 ms', 'p99 ms'], row('on'), row('off')].map(
        (cells) => `  ${cells.map((c) => c.padEnd(20)).join('')}`,
      ),
      `  authentication on / off (p50): ${ratio.toFixed(2)}x, +${(percentile(samples.on, 50) - percentile(samples.off, 50)).toFixed(2)} ms per start`,
    ];
  } finally {
    await stack.close();
  }
}
