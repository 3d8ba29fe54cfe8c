import { safeJsonParse } from './safe-json';

describe('safeJsonParse', () => {
  it('drops __proto__, constructor and prototype keys at every depth', () => {
    const value = safeJsonParse(
      '{"__proto__":{"polluted":1},"a":{"constructor":{"prototype":{"x":1}},"b":[{"__proto__":2,"c":3}]}}',
    );
    expect(value).toEqual({ a: { b: [{ c: 3 }] } });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('maps every string value when asked', () => {
    expect(
      safeJsonParse('{"k":"secret here","n":1,"l":["secret"]}', (s) => s.replace('secret', '***')),
    ).toEqual({
      k: '*** here',
      n: 1,
      l: ['***'],
    });
  });

  it('throws on text that is not JSON', () => {
    expect(() => safeJsonParse('{')).toThrow(SyntaxError);
  });
});
