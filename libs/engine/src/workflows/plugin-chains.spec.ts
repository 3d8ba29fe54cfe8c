import type { Step } from '@warden/definition/runtime';
import type { RunState } from '../shared';
import type { ExpressionContext, PluginStep } from '@warden/definition/runtime';
import { chainContext, MAX_CHAIN_LENGTH, pluginChainFrom } from './plugin-chains';

const plugin = (id: string, deps: string[] = [], extra: Partial<Step> = {}): Step =>
  ({ id, type: 'plugin', plugin: 'acme.x@^1', depends_on: deps, ...extra }) as Step;
const transform = (id: string, deps: string[] = []): Step =>
  ({ id, type: 'transform', output: {}, depends_on: deps }) as Step;

function stateOf(steps: Step[], statuses: Record<string, string> = {}): RunState {
  return {
    runId: 'r',
    status: 'running',
    order: steps.map((s) => s.id),
    startedAt: '2026-12-02T00:00:00.000Z',
    steps: Object.fromEntries(
      steps.map((s) => [s.id, { id: s.id, type: s.type, status: statuses[s.id] ?? 'pending', outputs: {} }]),
    ),
  } as RunState;
}

const all = (): boolean => true;
const ids = (chain: Step[]): string[] => chain.map((s) => s.id);

describe('pluginChainFrom', () => {
  it('takes consecutive plugin steps, each the only dependent of the one before', () => {
    const steps = [plugin('a'), plugin('b', ['a']), plugin('c', ['b']), transform('t', ['c'])];
    expect(ids(pluginChainFrom(steps[0]!, steps, stateOf(steps), all))).toEqual(['a', 'b', 'c']);
  });

  it('is the head alone for a step that is not a plugin step or cannot be chained', () => {
    const steps = [transform('t'), plugin('a', ['t'])];
    expect(ids(pluginChainFrom(steps[0]!, steps, stateOf(steps), all))).toEqual(['t']);
    const withWhen = [plugin('a', [], { when: 'true' }), plugin('b', ['a'])];
    expect(ids(pluginChainFrom(withWhen[0]!, withWhen, stateOf(withWhen), all))).toEqual(['a']);
  });

  it.each([
    ['when', { when: 'inputs.go' }],
    ['retry', { retry: { attempts: 3 } }],
    ['timeout', { timeout: 10 }],
  ])('stops before a member with its own %s', (_name, extra) => {
    const steps = [
      plugin('a'),
      plugin('b', ['a']),
      plugin('c', ['b'], extra as Partial<Step>),
      plugin('d', ['c']),
    ];
    expect(ids(pluginChainFrom(steps[0]!, steps, stateOf(steps), all))).toEqual(['a', 'b']);
  });

  it('stops after a step that another step also waits for, so that step is not delayed', () => {
    const steps = [plugin('a'), plugin('b', ['a']), transform('side', ['a'])];
    expect(ids(pluginChainFrom(steps[0]!, steps, stateOf(steps), all))).toEqual(['a']);
  });

  it('takes a member whose other dependencies have succeeded, not one still waiting on another', () => {
    const steps = [transform('x'), plugin('a'), plugin('b', ['a', 'x'])];
    const done = stateOf(steps, { x: 'succeeded' });
    expect(ids(pluginChainFrom(steps[1]!, steps, done, all))).toEqual(['a', 'b']);
    const running = stateOf(steps, { x: 'running' });
    expect(ids(pluginChainFrom(steps[1]!, steps, running, all))).toEqual(['a']);
    const skipped = stateOf(steps, { x: 'skipped' });
    expect(ids(pluginChainFrom(steps[1]!, steps, skipped, all))).toEqual(['a']);
  });

  it('leaves out a step with no pinned version (it fails on its own with plugin_not_pinned)', () => {
    const steps = [plugin('a'), plugin('b', ['a'])];
    expect(ids(pluginChainFrom(steps[0]!, steps, stateOf(steps), (id) => id === 'a'))).toEqual(['a']);
  });

  it(`is at most ${MAX_CHAIN_LENGTH} steps long`, () => {
    const steps = Array.from({ length: MAX_CHAIN_LENGTH + 4 }, (_, i) =>
      plugin(`s${i}`, i === 0 ? [] : [`s${i - 1}`]),
    );
    expect(pluginChainFrom(steps[0]!, steps, stateOf(steps), all)).toHaveLength(MAX_CHAIN_LENGTH);
  });
});

describe('chainContext', () => {
  const full: ExpressionContext = {
    inputs: { n: 1 },
    run: { id: 'r', workflow: 'w' },
    steps: {
      a: { status: 'succeeded', outputs: { big: 'x'.repeat(1000) } },
      b: { status: 'succeeded', outputs: { n: 2 } },
      m1: { status: 'running', outputs: {} },
      m2: { status: 'running', outputs: {} },
    },
  };
  const withOf = (id: string, w: unknown): PluginStep => ({ ...plugin(id), with: w }) as PluginStep;

  it('carries only the steps the members name, with inputs and run as they are', () => {
    const chain = [
      withOf('m1', { n: '{{ steps.b.outputs.n }}' }),
      withOf('m2', { t: '{{ steps.m1.outputs.t }}' }),
    ];
    expect(chainContext(chain, full)).toEqual({
      inputs: { n: 1 },
      run: { id: 'r', workflow: 'w' },
      steps: { b: full.steps.b, m1: full.steps.m1 },
    });
  });

  it('carries every step when a member reads steps as a whole', () => {
    const chain = [
      withOf('m1', { n: '{{ steps.b.outputs.n }}' }),
      withOf('m2', { all: '{{ toJSON(steps) }}' }),
    ];
    expect(chainContext(chain, full)).toBe(full);
  });
});
