import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowDefinition } from './model';
import { parseWorkflow } from './parse';
import { planWorkflow, topologicalStages } from './planner';

const load = (text: string): WorkflowDefinition => {
  const { definition, problems } = parseWorkflow(text);
  if (!definition) throw new Error(JSON.stringify(problems));
  return definition;
};
const example = (name: string): WorkflowDefinition =>
  load(readFileSync(join(__dirname, '..', '..', '..', 'examples', name), 'utf8'));

describe('topologicalStages', () => {
  it('layers a diamond, keeping definition order inside a stage', () => {
    const steps = [
      { id: 'join', depends_on: ['right', 'left'] },
      { id: 'right', depends_on: ['root'] },
      { id: 'left', depends_on: ['root'] },
      { id: 'root' },
    ];
    expect(topologicalStages(steps)).toEqual([['root'], ['right', 'left'], ['join']]);
  });

  it('puts a step one stage after its latest dependency', () => {
    const steps = [
      { id: 'a' },
      { id: 'b', depends_on: ['a'] },
      { id: 'c', depends_on: ['b'] },
      { id: 'd', depends_on: ['a', 'c'] },
      { id: 'e' },
    ];
    expect(topologicalStages(steps)).toEqual([['a', 'e'], ['b'], ['c'], ['d']]);
  });

  it('handles long chains in linear time and refuses cycles', () => {
    const chain = Array.from({ length: 5_000 }, (_, i) => ({
      id: `s${i}`,
      depends_on: i ? [`s${i - 1}`] : [],
    }));
    expect(topologicalStages(chain)).toHaveLength(5_000);
    expect(() =>
      topologicalStages([
        { id: 'a', depends_on: ['b'] },
        { id: 'b', depends_on: ['a'] },
      ]),
    ).toThrow(/cycle among steps a, b/);
  });
});

describe('planWorkflow', () => {
  it('plans the diamond example: stages, dependencies, profiles, rendered fields', () => {
    const plan = planWorkflow(example('diamond.yaml'), { release: 'v7' });
    expect(plan.workflow).toBe('diamond');
    expect(plan.version).toBe('1.0');
    expect(plan.stages).toEqual([['prepare'], ['build-eu', 'build-us'], ['publish']]);
    expect(plan.steps.map((s) => [s.id, s.stage, s.depends_on, s.requiredProfile])).toEqual([
      ['prepare', 0, [], 'restricted'],
      ['build-eu', 1, ['prepare'], 'restricted'],
      ['build-us', 1, ['prepare'], 'restricted'],
      ['publish', 2, ['build-eu', 'build-us'], 'restricted'],
    ]);
    expect(plan.steps[0].rendered).toEqual({ output: { release: 'v7', targets: ['eu', 'us'] } });
    // The message needs step outputs, so it stays a template.
    expect(plan.steps[3].rendered).toEqual({
      message: 'published {{ steps.prepare.outputs.release }} to {{ toJSON(steps.prepare.outputs.targets) }}',
      level: 'info',
    });
  });

  it('renders shell commands into argv and decides `when` where inputs suffice', () => {
    const plan = planWorkflow(example('deploy-application.yaml'), { environment: 'staging' });
    expect(plan.stages).toEqual([['validate-environment', 'run-tests'], ['deploy']]);
    const deploy = plan.steps[2];
    expect(deploy.rendered).toEqual({ argv: ['kubectl', 'apply', '-f', 'k8s/staging/'] });
    expect(deploy.when).toEqual({
      expression: 'steps.run-tests.exit_code == 0',
      value: 'depends_on_runtime',
    });
    expect(deploy.requiredProfile).toBe('elevated');
  });

  it('fills defaults and keeps an injection attempt as one argument', () => {
    const def = example('hello-world.yaml');
    expect(planWorkflow(def, {}).steps[0].rendered).toEqual({ argv: ['echo', 'Hello Developer!'] });
    const attack = "x'; touch /tmp/pwned; echo '";
    expect(planWorkflow(def, { name: attack }).steps[0].rendered).toEqual({
      argv: ['echo', `Hello ${attack}!`],
    });
  });

  it('evaluates static `when`, renders http and bash steps, and knows the run id', () => {
    const def = load(
      [
        'name: p',
        'version: 1',
        'inputs:',
        '  env: { type: string, default: dev }',
        '  url: { type: string, default: "http://127.0.0.1:8080/hook" }',
        'steps:',
        '  - id: prod-only',
        '    type: noop',
        '    when: "inputs.env == \'prod\'"',
        '  - id: call',
        '    type: http',
        '    url: "{{ inputs.url }}?run={{ run.id }}"',
        '    headers: { X-Env: "{{ inputs.env }}" }',
        '    body: { env: "{{ inputs.env }}", n: 1 }',
        '  - id: script',
        '    type: shell',
        '    shell: bash',
        '    command: \'echo "$ENV" | tr a-z A-Z\'',
        '    env: { ENV: "{{ inputs.env }}", PREV: "{{ steps.call.outputs.status }}" }',
        '    depends_on: [call]',
      ].join('\n'),
    );
    const plan = planWorkflow(def, { env: 'dev' }, { runId: 'r-1' });
    expect(plan.steps[0].when).toEqual({ expression: "inputs.env == 'prod'", value: false });
    expect(plan.steps[1].rendered).toEqual({
      method: 'GET',
      url: 'http://127.0.0.1:8080/hook?run=r-1',
      headers: { 'X-Env': 'dev' },
      body: { env: 'dev', n: 1 },
    });
    expect(plan.steps[2].rendered).toEqual({
      script: 'echo "$ENV" | tr a-z A-Z',
      shell: 'bash',
      env: { ENV: 'dev', PREV: '{{ steps.call.outputs.status }}' },
    });
    expect(planWorkflow(def, { env: 'prod' }).steps[0].when?.value).toBe(true);
  });
});
