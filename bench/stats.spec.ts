import { median, medianInterval, medianRatioInterval, percentile } from './stats';

describe('benchmark statistics', () => {
  it('takes nearest-rank percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
    expect(percentile([], 50)).toBeNaN();
  });

  it('brackets the ratio of medians, tightly when the samples barely vary', () => {
    const a = Array.from({ length: 200 }, (_, i) => 12 + (i % 5) * 0.01);
    const b = Array.from({ length: 200 }, (_, i) => 10 + (i % 7) * 0.01);
    const ratio = medianRatioInterval(a, b);
    expect(ratio.estimate).toBeCloseTo(median(a) / median(b), 10);
    expect(ratio.low).toBeLessThanOrEqual(ratio.estimate);
    expect(ratio.high).toBeGreaterThanOrEqual(ratio.estimate);
    expect(ratio.high - ratio.low).toBeLessThan(0.01);
  });

  it('widens with noisy samples and narrows with more of them', () => {
    // Uniform 5..55 ms, like the dev server's dispatch delay, on top of 10 ms.
    const noisy = (n: number, phase: number): number[] =>
      Array.from({ length: n }, (_, i) => 10 + 5 + ((i * 37 + phase) % 50));
    const few = medianInterval(noisy(30, 3));
    const many = medianInterval(noisy(300, 3));
    expect(few.high - few.low).toBeGreaterThan(many.high - many.low);
    const ratio = medianRatioInterval(noisy(30, 1), noisy(30, 2));
    expect(ratio.high - ratio.low).toBeGreaterThan(0.1);
  });

  it('gives the same interval for the same samples (seeded resampling)', () => {
    const samples = Array.from({ length: 50 }, (_, i) => (i * 7919) % 101);
    expect(medianInterval(samples)).toEqual(medianInterval(samples));
  });
});
