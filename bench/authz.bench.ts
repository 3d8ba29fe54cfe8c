/**
 * `npm run bench:authz`: what one authorization decision costs.
 *
 * The principal is a user with a custom role (extends developer, adds workflow:approve and
 * run:approve, removes workflow:delete) and 20 resource grants of workflow:delete. Measured:
 *  - `canOn` on (a) a granted workflow, (b) a workflow of the same tenant without a grant,
 *    (c) a granted id in another tenant, (d) a permission the role grants tenant-wide;
 *  - a baseline in the same run: `Set<string>.has('tenant:permission')`, key built per call;
 *  - `buildAbility` itself, alone and followed by the first check (CASL compiles a rule's
 *    conditions on first use, so that is the per-request cost without a cache).
 *
 * Each sample times a batch of calls with process.hrtime.bigint and divides by the batch size
 * (one call is too short for the timer), so p99 is the 99th percentile of batch averages. Every
 * case is warmed up first; rounds interleave the cases in a rotating order so drift on a busy
 * machine hits all of them. Environment (defaults in brackets):
 *   BENCH_AUTHZ_ROUNDS [20]    interleaved rounds
 *   BENCH_AUTHZ_SAMPLES [50]   samples per case per round
 */
import {
  buildAbility,
  canOn,
  effectivePermissions,
  type CustomRole,
  type PermissionName,
  type Principal,
  type TenantResource,
} from '@warden/authz';
import { measureStartLatency } from './start-latency';
import { percentile } from './stats';
import { log, positiveInt } from './bench-env';

const ROUNDS = positiveInt('BENCH_AUTHZ_ROUNDS', 20);
const SAMPLES_PER_ROUND = positiveInt('BENCH_AUTHZ_SAMPLES', 50);
const DECISION_BATCH = 50;
const BUILD_BATCH = 5;
const WARM_UP_BATCHES = 2000;
const GRANT_COUNT = 20;

const TENANT = 'tenant-a';
const OTHER_TENANT = 'tenant-b';

const releaseEngineer: CustomRole = {
  key: 'release-engineer',
  name: 'Release engineer',
  extends: 'developer',
  add: ['workflow:approve', 'run:approve'],
  remove: ['workflow:delete'],
};

const grantedIds = Array.from({ length: GRANT_COUNT }, (_, i) => `wf-granted-${i}`);

const principal: Principal = {
  tenantId: TENANT,
  roles: ['release-engineer'],
  customRoles: [releaseEngineer],
  grants: grantedIds.map((resourceId) => ({
    permission: 'workflow:delete',
    resourceType: 'Workflow',
    resourceId,
  })),
};

interface Case {
  label: string;
  batch: number;
  /** Runs the operation once on input `i` and returns whether it allowed. */
  run(i: number): boolean;
  /** What `run` must answer, checked before timing so a broken case cannot look fast. */
  expected: boolean;
}

/** Rotates the order each round, so no case always runs right after the same other one. */
function rotated<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function decisionCases(): Case[] {
  const ability = buildAbility(principal);
  const resources = (tenantId: string, ids: readonly string[]): TenantResource[] =>
    ids.map((id) => ({ tenantId, id }));
  const granted = resources(TENANT, grantedIds);
  const notGranted = resources(
    TENANT,
    grantedIds.map((_, i) => `wf-other-${i}`),
  );
  const foreign = resources(OTHER_TENANT, grantedIds);
  const held = [...effectivePermissions(principal)];
  const baselineSet = new Set(held.map((permission) => `${TENANT}:${permission}`));
  const baselineChecks: PermissionName[] = held.slice(0, GRANT_COUNT);
  const at = <T>(items: readonly T[], i: number): T => items[i % items.length]!;
  return [
    {
      label: "baseline Set.has('tenant:permission')",
      batch: DECISION_BATCH,
      expected: true,
      run: (i) => baselineSet.has(`${TENANT}:${at(baselineChecks, i)}`),
    },
    {
      label: '(a) canOn, granted resource',
      batch: DECISION_BATCH,
      expected: true,
      run: (i) => canOn(ability, 'workflow:delete', at(granted, i)),
    },
    {
      label: '(b) canOn, resource without grant',
      batch: DECISION_BATCH,
      expected: false,
      run: (i) => canOn(ability, 'workflow:delete', at(notGranted, i)),
    },
    {
      label: "(c) canOn, other tenant's resource",
      batch: DECISION_BATCH,
      expected: false,
      run: (i) => canOn(ability, 'workflow:delete', at(foreign, i)),
    },
    {
      label: '(d) canOn, role permission',
      batch: DECISION_BATCH,
      expected: true,
      run: (i) => canOn(ability, 'workflow:execute', at(notGranted, i)),
    },
    {
      label: 'buildAbility',
      batch: BUILD_BATCH,
      expected: true,
      run: () => buildAbility(principal).rules.length > 0,
    },
    {
      label: 'buildAbility + first canOn',
      batch: BUILD_BATCH,
      expected: true,
      run: (i) => canOn(buildAbility(principal), 'workflow:delete', at(granted, i)),
    },
  ];
}

/** Runs one batch and returns the mean time per call in microseconds. */
function sampleMicros(testCase: Case, offset: number): number {
  let allowed = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < testCase.batch; i++) if (testCase.run(offset + i)) allowed++;
  const elapsedNs = Number(process.hrtime.bigint() - start);
  // Using the answers keeps the calls from being optimised away, and catches a wrong answer.
  if (allowed !== (testCase.expected ? testCase.batch : 0))
    throw new Error(`${testCase.label}: ${allowed}/${testCase.batch} allowed, expected ${testCase.expected}`);
  return elapsedNs / testCase.batch / 1000;
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ');
  return [line(headers), ...rows.map(line)];
}

/** The cost of one authorization decision and of building the ability, as report lines. */
function measureDecisions(): string[] {
  const cases = decisionCases();
  for (const testCase of cases)
    for (let i = 0; i < WARM_UP_BATCHES / testCase.batch; i++) sampleMicros(testCase, i * testCase.batch);

  const samples = new Map<Case, number[]>(cases.map((c) => [c, []]));
  for (let round = 0; round < ROUNDS; round++)
    for (const testCase of rotated(cases, round))
      for (let s = 0; s < SAMPLES_PER_ROUND; s++) samples.get(testCase)!.push(sampleMicros(testCase, s));

  const baselineP50 = percentile(samples.get(cases[0]!)!, 50);
  const rows = cases.map((testCase) => {
    const micros = samples.get(testCase)!;
    const p50 = percentile(micros, 50);
    return [
      testCase.label,
      p50.toFixed(3),
      percentile(micros, 99).toFixed(3),
      `${(p50 / baselineP50).toFixed(1)}x`,
    ];
  });
  return [
    `authorization decisions: custom role (extends developer, +2, -1), ${GRANT_COUNT} grants;`,
    `${ROUNDS} rounds x ${SAMPLES_PER_ROUND} samples per case; decisions in batches of ${DECISION_BATCH}, builds in batches of ${BUILD_BATCH}`,
    '',
    ...table(['case', 'p50 us', 'p99 us', 'p50 vs baseline'], rows),
  ];
}

async function main(): Promise<void> {
  log(`node ${process.version}, ${process.platform}/${process.arch}`);
  for (const line of measureDecisions()) log(line);
  log('');
  const rounds = positiveInt('BENCH_START_ROUNDS', 10);
  const perRound = positiveInt('BENCH_START_PER_ROUND', 20);
  for (const line of await measureStartLatency(log, rounds, perRound)) log(line);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:authz failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
