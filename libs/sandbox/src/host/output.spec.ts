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
