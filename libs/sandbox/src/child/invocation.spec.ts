import { CPU_EXCEEDED, syncCallBound, withinCpuBudget, type Outcome } from './invocation';

describe('syncCallBound', () => {
  it('is the time left when that comes first, the CPU budget left otherwise', () => {
    expect(syncCallBound(300, 2000)).toEqual({ timeoutMs: 300, byBudget: false });
    expect(syncCallBound(4000, 200)).toEqual({ timeoutMs: 200, byBudget: true });
  });

  it('gives a tie to the time limit, so equal limits still report a timeout', () => {
    expect(syncCallBound(300, 300)).toEqual({ timeoutMs: 300, byBudget: false });
  });

  it('is a whole number of milliseconds, at least 1 (isolated-vm takes only 32-bit integers)', () => {
    expect(syncCallBound(12.2, 5000).timeoutMs).toBe(13);
    expect(syncCallBound(5000, 0.3).timeoutMs).toBe(1);
    expect(syncCallBound(-4, -10).timeoutMs).toBe(1);
  });
});

describe('withinCpuBudget', () => {
  const ok: Outcome = { ok: true, output: '{}', recycle: false };
  const timeout: Outcome = { ok: false, kind: 'timeout', message: 'time', recycle: true };
  const memory: Outcome = { ok: false, kind: 'memory', message: 'memory', recycle: true };

  it('turns an answer that came after the budget was spent into the budget failure', () => {
    expect(withinCpuBudget(ok, 600, 200)).toBe(CPU_EXCEEDED);
    expect(withinCpuBudget(ok, 200, 200)).toBe(ok);
  });

  it('calls a timeout after the budget was spent a CPU failure, and leaves other failures alone', () => {
    expect(withinCpuBudget(timeout, 250, 200)).toBe(CPU_EXCEEDED);
    expect(withinCpuBudget(timeout, 50, 200)).toBe(timeout);
    expect(withinCpuBudget(memory, 900, 200)).toBe(memory);
  });
});
