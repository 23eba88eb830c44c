import { describe, expect, it } from 'vitest';
import { cosine, dot, fuseVectors, l2normalize, norm } from '../../src/core/vector.js';

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

describe('vector', () => {
  it('dot and norm', () => {
    expect(dot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(norm([3, 4])).toBe(5);
    expect(() => dot([1], [1, 2])).toThrow(RangeError);
  });

  it('l2normalize gives unit length and leaves zero vectors zero', () => {
    expect(norm(l2normalize([3, 4]))).toBeCloseTo(1, 6);
    expect(Array.from(l2normalize([0, 0, 0]))).toEqual([0, 0, 0]);
  });

  it('cosine: identical 1, opposite -1, orthogonal 0, zero vector 0', () => {
    expect(cosine([1, 2], [2, 4])).toBeCloseTo(1, 6);
    expect(cosine([1, 2], [-1, -2])).toBeCloseTo(-1, 6);
    expect(cosine([1, 0], [0, 5])).toBe(0);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });

  it('property: cosine is symmetric, in [-1,1], and scale invariant', () => {
    const r = rand(7);
    for (let k = 0; k < 200; k++) {
      const a = Array.from({ length: 16 }, r);
      const b = Array.from({ length: 16 }, r);
      const c = cosine(a, b);
      expect(c).toBeGreaterThanOrEqual(-1);
      expect(c).toBeLessThanOrEqual(1);
      expect(cosine(b, a)).toBeCloseTo(c, 10);
      expect(
        cosine(
          a.map((x) => x * 7.5),
          b,
        ),
      ).toBeCloseTo(c, 6);
    }
  });

  it('fuseVectors is the normalised mean of normalised inputs', () => {
    const f = fuseVectors([
      [10, 0],
      [0, 1],
    ]);
    expect(f[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(f[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(norm(f)).toBeCloseTo(1, 6);
  });

  it('fuseVectors honours weights and rejects bad input', () => {
    const f = fuseVectors(
      [
        [1, 0],
        [0, 1],
      ],
      [3, 1],
    );
    expect(f[0] as number).toBeGreaterThan(f[1] as number);
    expect(() => fuseVectors([])).toThrow(RangeError);
    expect(() => fuseVectors([[1, 0], [1]])).toThrow(RangeError);
    expect(() => fuseVectors([[1, 0]], [1, 2])).toThrow(RangeError);
  });

  it('property: fused vector is closer to each input than inputs are on average to each other', () => {
    const r = rand(11);
    for (let k = 0; k < 50; k++) {
      const base = Array.from({ length: 32 }, r);
      const vs = [0, 1, 2].map(() => base.map((x) => x + 0.3 * r()));
      const f = fuseVectors(vs);
      for (const v of vs) expect(cosine(f, v)).toBeGreaterThan(0.8);
    }
  });
});
