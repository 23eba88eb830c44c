import { describe, expect, it } from 'vitest';
import type { Box } from '../../src/core/types.js';
import {
  clipBox,
  iou,
  nms,
  overlapOfSmaller,
  padBox,
  planPieces,
  planTiles,
  roundBoxOut,
  scaleBox,
  translateBox,
} from '../../src/core/geometry.js';

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

describe('geometry', () => {
  it('iou of known boxes', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [10, 0, 10, 10])).toBe(0);
    expect(iou([0, 0, 10, 10], [5, 0, 10, 10])).toBeCloseTo(50 / 150, 10);
    expect(iou([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
  });

  it('property: iou is symmetric, in [0,1], 1 on itself, and scale invariant', () => {
    const r = rand(3);
    const box = (): Box => [r() * 100, r() * 100, 1 + r() * 50, 1 + r() * 50];
    for (let k = 0; k < 500; k++) {
      const a = box();
      const b = box();
      const v = iou(a, b);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
      expect(iou(b, a)).toBeCloseTo(v, 12);
      expect(iou(a, a)).toBeCloseTo(1, 12);
      expect(iou(scaleBox(a, 2.5), scaleBox(b, 2.5))).toBeCloseTo(v, 9);
      expect(overlapOfSmaller(a, b)).toBeGreaterThanOrEqual(v - 1e-12);
    }
  });

  it('overlapOfSmaller is 1 for a box inside another', () => {
    expect(overlapOfSmaller([0, 0, 100, 100], [10, 10, 20, 20])).toBe(1);
  });

  it('scale, translate, clip, pad, round', () => {
    expect(scaleBox([1, 2, 3, 4], 2, 3)).toEqual([2, 6, 6, 12]);
    expect(translateBox([1, 2, 3, 4], 10, 20)).toEqual([11, 22, 3, 4]);
    expect(clipBox([-5, -5, 20, 20], 10, 10)).toEqual([0, 0, 10, 10]);
    expect(clipBox([50, 50, 5, 5], 10, 10)).toEqual([10, 10, 0, 0]);
    expect(padBox([10, 10, 20, 40], 0.25)).toEqual([5, 0, 30, 60]);
    expect(roundBoxOut([0.5, 1.2, 2, 2])).toEqual([0, 1, 3, 3]);
  });

  it('nms keeps the best of overlapping boxes and distinct ones', () => {
    const kept = nms(
      [
        { box: [0, 0, 10, 10] as Box, score: 0.8, id: 'a' },
        { box: [1, 1, 10, 10] as Box, score: 0.9, id: 'b' },
        { box: [50, 50, 10, 10] as Box, score: 0.5, id: 'c' },
      ],
      { iouThreshold: 0.5 },
    );
    expect(kept.map((k) => k.id)).toEqual(['b', 'c']);
  });

  it('nms containment drops a partial box inside a whole one', () => {
    const items = [
      { box: [0, 0, 100, 100] as Box, score: 0.7 },
      { box: [0, 0, 40, 100] as Box, score: 0.9 },
    ];
    expect(nms(items, { iouThreshold: 0.5 })).toHaveLength(2);
    expect(nms(items, { iouThreshold: 0.5, containThreshold: 0.7 })).toHaveLength(1);
  });

  it('planTiles covers the image with the asked overlap', () => {
    const tiles = planTiles(1920, 1080, 640, 160);
    expect(tiles).toHaveLength(8);
    for (const t of tiles) {
      expect(t[0] + t[2]).toBeLessThanOrEqual(1920);
      expect(t[1] + t[3]).toBeLessThanOrEqual(1080);
    }
    const xs = [...new Set(tiles.map((t) => t[0]))].sort((a, b) => a - b);
    expect(xs[0]).toBe(0);
    expect((xs[xs.length - 1] as number) + 640).toBe(1920);
    for (let i = 1; i < xs.length; i++)
      expect(640 - ((xs[i] as number) - (xs[i - 1] as number))).toBeGreaterThanOrEqual(160);
    expect(planTiles(500, 400, 640, 160)).toEqual([[0, 0, 500, 400]]);
    expect(() => planTiles(100, 100, 100, 100)).toThrow(RangeError);
  });

  it('property: every object up to overlap size lies whole in some tile', () => {
    const r = rand(5);
    for (let k = 0; k < 300; k++) {
      const W = 700 + Math.floor(r() * 3000);
      const H = 700 + Math.floor(r() * 2000);
      const tiles = planTiles(W, H, 640, 160);
      const s = 10 + Math.floor(r() * 150);
      const x = Math.floor(r() * (W - s));
      const y = Math.floor(r() * (H - s));
      const inside = tiles.some(
        (t) => x >= t[0] && y >= t[1] && x + s <= t[0] + t[2] && y + s <= t[1] + t[3],
      );
      expect(inside).toBe(true);
    }
  });

  it('planPieces: cuts an area into overlapping pieces, no longer than needed, edge to edge', () => {
    // a whole 1080p frame in two: 1040 px each, 160 px shared
    expect(planPieces(1920, 1080, 2, 1, 160)).toEqual([
      [0, 0, 1040, 1080],
      [880, 0, 1040, 1080],
    ]);
    // a tall area cut along its height
    const tall = planPieces(500, 1600, 1, 3, 100);
    expect(tall.map((b) => b[1])).toEqual([0, 500, 1000]);
    expect(tall.every((b) => b[0] === 0 && b[2] === 500 && b[3] === 600)).toBe(true);
    // both ways (a 4K frame): 3 x 2 pieces covering it
    const grid = planPieces(3840, 2160, 3, 2, 160);
    expect(grid).toHaveLength(6);
    expect(Math.max(...grid.map((b) => b[0] + b[2]))).toBe(3840);
    expect(Math.max(...grid.map((b) => b[1] + b[3]))).toBe(2160);
    expect(planPieces(800, 600, 1, 1, 160)).toEqual([[0, 0, 800, 600]]);
  });
});
