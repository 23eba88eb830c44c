import { describe, expect, it } from 'vitest';
import { boxesFromProbMap, cropRgb } from '../../src/ml/ocr/paddle.js';
import { isPlateLike, lineMerges, stackMerges } from '../../src/detect/plates.js';

describe('boxesFromProbMap', () => {
  const W = 40;
  const H = 20;
  function map(rects: Array<[number, number, number, number, number]>): Float32Array {
    const m = new Float32Array(W * H);
    for (const [x, y, w, h, p] of rects)
      for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) m[j * W + i] = p;
    return m;
  }
  it('finds one box per connected region and unclips it', () => {
    const boxes = boxesFromProbMap(
      map([
        [5, 5, 10, 4, 0.9],
        [25, 10, 8, 6, 0.8],
      ]),
      W,
      H,
      {
        thresh: 0.3,
        boxThresh: 0.5,
        unclipRatio: 1.5,
      },
    );
    expect(boxes).toHaveLength(2);
    const a = boxes[0];
    // d = area * ratio / perimeter = 40 * 1.5 / 28
    const d = (40 * 1.5) / 28;
    expect(a?.x).toBeCloseTo(5 - d);
    expect(a?.w).toBeCloseTo(10 + 2 * d);
    expect(a?.score).toBeCloseTo(0.9);
  });
  it('drops weak and tiny regions', () => {
    const boxes = boxesFromProbMap(
      map([
        [5, 5, 10, 4, 0.4],
        [25, 10, 2, 2, 0.9],
      ]),
      W,
      H,
      {
        thresh: 0.3,
        boxThresh: 0.5,
        unclipRatio: 1.5,
      },
    );
    expect(boxes).toEqual([]);
  });
  it('joins diagonal neighbours (8-connected)', () => {
    const m = map([
      [5, 5, 4, 4, 0.9],
      [9, 9, 4, 4, 0.9],
    ]);
    expect(boxesFromProbMap(m, W, H, { thresh: 0.3, boxThresh: 0.5, unclipRatio: 1 })).toHaveLength(1);
  });
});

describe('cropRgb', () => {
  it('copies a clamped sub-rectangle', () => {
    const img = { width: 4, height: 3, data: Buffer.from(Array.from({ length: 36 }, (_, i) => i)) };
    const c = cropRgb(img, 2, 1, 10, 10);
    expect([c.width, c.height]).toEqual([2, 2]);
    expect(Array.from(c.data.subarray(0, 3))).toEqual([18, 19, 20]);
  });
});

describe('isPlateLike', () => {
  it('wants 4-10 characters with a letter and a digit', () => {
    expect(isPlateLike('LE21ABC')).toBe(true);
    expect(isPlateLike('AB1')).toBe(false);
    expect(isPlateLike('VODKAA')).toBe(false);
    expect(isPlateLike('2011')).toBe(false);
    expect(isPlateLike('AB12345678X')).toBe(false);
  });
  it('checks the box shape', () => {
    expect(isPlateLike('LE21ABC', { w: 200, h: 44 })).toBe(true);
    expect(isPlateLike('LE21ABC', { w: 40, h: 80 })).toBe(false);
    expect(isPlateLike('LE21ABC', { w: 800, h: 40 })).toBe(false);
  });
});

describe('lineMerges', () => {
  it('joins two halves of one line and leaves other lines alone', () => {
    const m = lineMerges([
      { x: 100, y: 50, w: 60, h: 30, score: 0.9 },
      { x: 175, y: 52, w: 70, h: 29, score: 0.8 },
      { x: 100, y: 120, w: 60, h: 30, score: 0.9 },
    ]);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ x: 100, y: 50, w: 145, score: 0.8 });
  });
  it('does not join distant boxes', () => {
    expect(
      lineMerges([
        { x: 0, y: 0, w: 50, h: 20, score: 1 },
        { x: 200, y: 0, w: 50, h: 20, score: 1 },
      ]),
    ).toEqual([]);
  });
});

describe('stackMerges', () => {
  const box = (x: number, y: number, w: number, h: number) => ({ x, y, w, h, score: 0.9 });
  it('joins two rows of like size, one under the other, as one two-line plate', () => {
    const st = stackMerges([box(100, 100, 130, 36), box(120, 150, 96, 36)]);
    expect(st).toHaveLength(1);
    expect(st[0]?.lines.map((l) => l.y)).toEqual([100, 150]);
  });
  it('does not take a state name over a plate, or lines side by side, for a two-line plate', () => {
    expect(stackMerges([box(100, 100, 120, 12), box(90, 116, 140, 40)])).toEqual([]);
    expect(stackMerges([box(100, 100, 60, 30), box(170, 100, 60, 30)])).toEqual([]);
  });
});
