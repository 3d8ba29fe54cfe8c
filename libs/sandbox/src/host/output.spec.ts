import { SandboxFailure, type SandboxUsage } from '../contract';
import { DEFAULT_SANDBOX_LIMITS } from '../limits';
import { OutputValidator } from './output';

const context = { usage: { cpuMs: 1, wallMs: 1, heapBytes: 1 } as SandboxUsage, logs: [] };
const read = (text: string, schema?: Record<string, unknown>) =>
  new OutputValidator().read(text, 'digest', schema, DEFAULT_SANDBOX_LIMITS, (v) => v, context);

describe('OutputValidator', () => {
  it('enforces JSON Schema 2020-12 keywords, the dialect manifests are checked in', () => {
    const schema = {
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'integer' }],
      minItems: 2,
      items: false,
    };
    expect(read('["a", 1]', schema)).toEqual(['a', 1]);
    expect(() => read('[1, "a"]', schema)).toThrow(SandboxFailure);
  });

  it('checks formats the registry knows', () => {
    const schema = { type: 'object', properties: { at: { type: 'string', format: 'date-time' } } };
    expect(read('{"at":"2026-12-02T10:00:00Z"}', schema)).toEqual({ at: '2026-12-02T10:00:00Z' });
    expect(() => read('{"at":"yesterday"}', schema)).toThrow(/invalid|must match format/);
  });

  it('compiles schemas of different plugins that share an $id', () => {
    const validator = new OutputValidator();
    // Each plugin's manifest is its own object, as loaded from its own row.
    const schema = () => ({ $id: 'output.json', type: 'object', properties: { n: { type: 'integer' } } });
    const readWith = (digest: string) =>
      validator.read('{"n":1}', digest, schema(), DEFAULT_SANDBOX_LIMITS, (v) => v, context);
    expect(readWith('plugin-a')).toEqual({ n: 1 });
    expect(readWith('plugin-b')).toEqual({ n: 1 });
  });

  it('refuses output larger than the limit before parsing it', () => {
    expect(() =>
      new OutputValidator().read(
        '"xxxxxxxx"',
        'd',
        undefined,
        { ...DEFAULT_SANDBOX_LIMITS, maxOutputBytes: 4 },
        (v) => v,
        context,
      ),
    ).toThrow(expect.objectContaining({ kind: 'output-too-large' }));
  });
});
