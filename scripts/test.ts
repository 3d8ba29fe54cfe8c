// `npm test`: every test on this Node, then the plugin sandbox's tests on the other Node lines
// Warden supports. The sandbox's native addon is the one part that differs between them
// (isolated-vm 5.x on Node 20, 6.x on 22 and 24), so its suites, and plugin steps in real
// workflow, run on each line; the runtimes come from the npm registry into the Warden cache
// (ensureNodeRuntime). With arguments (`npm test -- <path or jest flags>`), only this Node runs them.
//
// Ends with one `Tests:` line summing every run, which .ci/run reads.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { ensureNodeRuntime } from '@warden/devstack';

/** The Node lines of package.json's `engines` (>=20.19 <25), even majors only (the LTS lines). */
const SUPPORTED_MAJORS = [20, 22, 24];
/** What runs on every supported line: the sandbox's own suites and a plugin step on Temporal. */
const ON_EVERY_NODE = [
  'libs/sandbox/src/',
  'tests/plugin-steps.int.spec.ts',
  'tests/plugin-chains.int.spec.ts',
];

const root = join(__dirname, '..');
const resultsDir = join(root, '.warden', 'test-results');
const say = (line: string): void => void process.stdout.write(`[test] ${line}\n`);

interface Tally {
  node: string;
  passed: number;
  failed: number;
  total: number;
  ok: boolean;
}

/** Runs a process to its end with inherited output; resolves to its exit code (1 when killed). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    child.on('error', (error) => {
      say(`could not start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** One Jest run (in band: the integration tests share one Temporal and one PostgreSQL). */
async function jest(nodePath: string, version: string, args: string[]): Promise<Tally> {
  const resultFile = join(resultsDir, `node-${version}.json`);
  rmSync(resultFile, { force: true });
  // Anything the tests spawn as `node` is this Node too.
  const env = { ...process.env, PATH: `${dirname(nodePath)}${delimiter}${process.env.PATH ?? ''}` };
  const jestBin = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  const code = await run(
    nodePath,
    [jestBin, '--runInBand', '--json', `--outputFile=${resultFile}`, ...args],
    env,
  );
  let result: {
    numPassedTests: number;
    numFailedTests: number;
    numTotalTests: number;
    numRuntimeErrorTestSuites: number;
  };
  try {
    result = JSON.parse(readFileSync(resultFile, 'utf8')) as typeof result;
  } catch {
    return broken(version); // no results file, or a truncated one
  }
  // A suite that fails to load has no failed test of its own: count it as one.
  const failed = result.numFailedTests + result.numRuntimeErrorTestSuites;
  return {
    node: version,
    passed: result.numPassedTests,
    // A run that failed must not print "0 failed".
    failed: code !== 0 ? Math.max(failed, 1) : failed,
    total: result.numTotalTests + result.numRuntimeErrorTestSuites,
    ok: code === 0,
  };
}

/** A run that produced no results (Node unavailable, setup or Jest broken) counts as one failure. */
function broken(node: string): Tally {
  return { node, passed: 0, failed: 1, total: 1, ok: false };
}

async function otherLine(major: number): Promise<Tally> {
  let runtime: { nodePath: string; version: string };
  try {
    runtime = await ensureNodeRuntime(major, say);
  } catch (error) {
    say(`Node ${major} is unavailable, so its run fails: ${(error as Error).message}`);
    return broken(`${major}`);
  }
  const { nodePath, version } = runtime;
  say(`the sandbox's tests on Node ${version} (${nodePath})`);
  // The same setup as `pretest`, for this Node: its isolated-vm addon above all.
  const setup = await run(
    nodePath,
    ['-r', '@swc-node/register', join('scripts', 'setup-tools.ts')],
    process.env,
  );
  if (setup !== 0) return broken(version);
  return jest(nodePath, version, ON_EVERY_NODE);
}

async function main(): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  const args = process.argv.slice(2);
  const currentMajor = Number(process.versions.node.split('.')[0]);
  const tallies = [await jest(process.execPath, process.versions.node, args)];
  if (args.length === 0) {
    for (const major of SUPPORTED_MAJORS.filter((m) => m !== currentMajor))
      tallies.push(await otherLine(major));
  }
  const sum = (key: 'passed' | 'failed' | 'total'): number => tallies.reduce((n, t) => n + t[key], 0);
  const ok = tallies.every((t) => t.ok);
  if (tallies.length > 1) {
    process.stdout.write('\n');
    for (const t of tallies) {
      say(
        `Node ${t.node}: ${t.passed} passed, ${t.failed} failed, ${t.total} total${t.ok ? '' : ' (run FAILED)'}`,
      );
    }
    process.stdout.write(
      `Tests:       ${sum('passed')} passed, ${sum('failed')} failed, ${sum('total')} total\n`,
    );
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[test] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
