import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiHarness, type ApiHarness } from './api-harness';
import { runWarden, type CliResult } from './cli-process';

/** `warden ...` as the signed-in owner. */
function warden(args: string[], timeoutMs = 60_000, env: Record<string, string> = {}): Promise<CliResult> {
  return runWarden(args, { WARDEN_TOKEN: api.owner.token, ...env }, timeoutMs);
}

let api: ApiHarness;

describe('warden CLI, end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cli-'));

  beforeAll(async () => {
    api = await startApiHarness({ worker: true });
  });
  afterAll(async () => {
    await api.close();
  });

  it('validate prints file:line:col code per problem and exits 1', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(
      broken,
      [
        'name: broken',
        'version: 1.0',
        'steps:',
        '  - id: a',
        '    type: shell',
        '    command: "echo hi"',
        '    depends_on: [ghost]',
        '',
      ].join('\n'),
    );
    const result = await warden(['validate', broken, 'examples/hello-world.yaml']);
    expect(result).toMatchObject({ code: 1 });
    expect(result.stdout).toContain(`${broken}:7:18 unknown_dependency `);
    expect(result.stdout).not.toContain('hello-world.yaml:');
    expect(result.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('validate exits 0 on the examples and 2 on a missing file', async () => {
    const valid = await warden(['validate', 'examples/hello-world.yaml', 'examples/deploy-application.yaml']);
    expect(valid).toMatchObject({ code: 0 });
    const missing = await warden(['validate', join(dir, 'nope.yaml')]);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain('nope.yaml: cannot read the file (ENOENT)');
  });

  it('plan checks inputs first, then prints rendered commands', async () => {
    const refused = await warden(['plan', 'examples/deploy-application.yaml', '--input', 'environment=qa']);
    expect(refused).toMatchObject({ code: 2 });
    expect(refused.stderr).toContain('inputs.environment input_validation');
    const planned = await warden(['plan', 'examples/deploy-application.yaml', '--input', 'environment=prod']);
    expect(planned).toMatchObject({ code: 0 });
    expect(planned.stdout).toContain('argv: ["kubectl","apply","-f","k8s/prod/"]');
    expect(planned.stdout).toContain('when steps.run-tests.exit_code == 0 -> decided at run time');
  });

  it('run registers hello-world, follows it, prints Hello Ada! and exits 0', async () => {
    const result = await warden([
      'run',
      'examples/hello-world.yaml',
      '--input',
      'name=Ada',
      '--api',
      api.url,
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /(registered hello-world version \d+|hello-world version \d+ is up to date|updated hello-world)/,
    );
    expect(result.stdout).toMatch(/\+\s*\d+\.\d+s\s+greet\s+succeeded/);
    expect(result.stdout).toContain('Hello Ada!');

    const again = await warden(['run', 'examples/hello-world.yaml', '--api', api.url]);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toContain('is up to date');
    expect(again.stdout).toContain('Hello Developer!');
  });

  it('run exits 1 with the error when the run fails, and 2 on usage errors', async () => {
    const failing = join(dir, 'failing.yaml');
    writeFileSync(
      failing,
      [
        'name: cli-failing',
        'version: 1.0',
        'steps:',
        '  - id: check',
        '    type: assert',
        '    condition: "1 == 2"',
        '    message: "numbers disagree"',
        '',
      ].join('\n'),
    );
    const failed = await warden(['run', failing, '--api', api.url]);
    expect(failed).toMatchObject({ code: 1 });
    expect(failed.stderr).toContain('numbers disagree');

    const usage = await warden([
      'run',
      'examples/deploy-application.yaml',
      '--input',
      'environment',
      '--api',
      api.url,
    ]);
    expect(usage).toMatchObject({ code: 2 });
    expect(usage.stderr).toContain("--input 'environment': expected key=value");
  });

  it('run without a token says how to sign in', async () => {
    const result = await warden(['run', 'examples/hello-world.yaml', '--api', api.url], 60_000, {
      WARDEN_TOKEN: '',
    });
    expect(result).toMatchObject({ code: 1 });
    expect(result.stderr).toContain('the API answered 401 unauthenticated');
    expect(result.stderr).toContain('set WARDEN_TOKEN');
  });
});
