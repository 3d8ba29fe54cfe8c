import type { Plan } from '@warden/definition';
import { formatProblem } from '../source-file';
import { describePlan } from './plan';

describe('describePlan', () => {
  it('prints stages, runtime whens and rendered fields', () => {
    const plan: Plan = {
      workflow: 'deploy',
      version: '1.0',
      stages: [['check', 'test'], ['ship']],
      steps: [
        { id: 'check', type: 'assert', stage: 0, depends_on: [], requiredProfile: 'restricted' },
        {
          id: 'test',
          type: 'shell',
          stage: 0,
          depends_on: [],
          requiredProfile: 'elevated',
          rendered: { argv: ['npm', 'test'] },
        },
        {
          id: 'ship',
          type: 'shell',
          stage: 1,
          depends_on: ['check', 'test'],
          requiredProfile: 'elevated',
          when: { expression: 'steps.test.exit_code == 0', value: 'depends_on_runtime' },
          rendered: { argv: ['kubectl', 'apply', '-f', 'k8s/prod/'] },
        },
      ],
    };
    expect(describePlan(plan, { environment: 'prod', replicas: 3 })).toEqual([
      'plan of deploy 1.0 with environment=prod, replicas=3',
      'stage 1 (in parallel)',
      '  check (assert, needs restricted)',
      '  test (shell, needs elevated)',
      '    argv: ["npm","test"]',
      'stage 2',
      '  ship (shell, needs elevated) after check, test',
      '    when steps.test.exit_code == 0 -> decided at run time',
      '    argv: ["kubectl","apply","-f","k8s/prod/"]',
    ]);
  });
});

describe('formatProblem', () => {
  it('prints file:line:col code message (path)', () => {
    expect(
      formatProblem('a.yaml', {
        code: 'unknown_dependency',
        message: "'x' is not a step",
        path: 'steps[0].depends_on[0]',
        line: 7,
        column: 18,
        severity: 'error',
      }),
    ).toBe("a.yaml:7:18 unknown_dependency 'x' is not a step (steps[0].depends_on[0])");
    expect(
      formatProblem('a.yaml', { code: 'unknown_field', message: 'm', path: '', severity: 'warning' }),
    ).toBe('a.yaml warning unknown_field m');
  });
});
