import { describe, expect, it } from 'vitest';
import { jsDotBlock, nearPairs } from '../../src/core/neighbours.js';
import { seededRandom } from '../../src/core/random.js';
import { nativeDotBlock } from '../../src/ml/onnx/dots.js';

function unitRows(n: number, dims: number, seed: number): Float32Array[] {
  const r = seededRandom(seed);
  const base = Array.from({ length: 20 }, () => Float32Array.from({ length: dims }, () => r() - 0.5));
  return Array.from({ length: n }, () => {
    const b = base[Math.floor(r() * base.length)] as Float32Array;
    const v = Float32Array.from(b, (x) => x + (r() - 0.5) * 0.6);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

describe('dot products by onnxruntime (the neighbour search of recurring)', () => {
  it('equal the JavaScript products, for blocks of any shape', async () => {
    const kernel = await nativeDotBlock(1);
    try {
      for (const [rows, cols, dims] of [
        [1, 1, 512],
        [37, 5, 128],
        [300, 211, 512],
      ] as const) {
        const r = seededRandom(rows + cols);
        const a = Float32Array.from({ length: rows * dims }, () => r() - 0.5);
        const b = Float32Array.from({ length: cols * dims }, () => r() - 0.5);
        const want = await jsDotBlock(a, rows, b, cols, dims);
        const got = await kernel.dots(a, rows, b, cols, dims);
        expect(got.length).toBe(rows * cols);
        let worst = 0;
        for (let k = 0; k < want.length; k++)
          worst = Math.max(worst, Math.abs((got[k] as number) - (want[k] as number)));
        expect(worst).toBeLessThan(1e-4);
      }
    } finally {
      await kernel.dispose();
    }
  });

  it('find the pairs the JavaScript products find', async () => {
    const v = unitRows(1200, 128, 3);
    const kernel = await nativeDotBlock(2);
    try {
      const key = (p: Array<[number, number, number]>): string[] => p.map(([i, j]) => `${i}:${j}`).sort();
      const js = await nearPairs(v, { minCosine: 0.8 });
      const native = await nearPairs(v, { minCosine: 0.8, dots: kernel.dots });
      expect(js.length).toBeGreaterThan(100);
      // a product within float rounding of the bar may fall either side of it
      const a = new Set(key(js));
      const b = new Set(key(native));
      const differ = [...a].filter((k) => !b.has(k)).length + [...b].filter((k) => !a.has(k)).length;
      expect(differ).toBeLessThanOrEqual(Math.ceil(js.length * 0.001));
    } finally {
      await kernel.dispose();
    }
  });
});
