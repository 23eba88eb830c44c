import { describe, expect, it } from 'vitest';
import { bestFaces, meanOfTop, trackSimilarity, unitTrackSimilarity } from '../../src/core/identity.js';
import { seededRandom } from '../../src/core/random.js';
import { l2normalize } from '../../src/core/vector.js';
import { clusterBySimilarity } from '../../src/core/cluster.js';

describe('identity by track', () => {
  it('judges a track by its best faces', () => {
    const faces = [
      { vector: [1, 0], quality: 0.2 },
      { vector: [0, 1], quality: 0.9 },
      { vector: [1, 1], quality: 0.5 },
    ];
    expect(bestFaces(faces, 2).map((f) => f.quality)).toEqual([0.9, 0.5]);
    expect(bestFaces(faces, 0)).toHaveLength(1);
  });

  it('averages the k best cross-similarities, so one lucky pair does not decide', () => {
    expect(meanOfTop([0.1, 0.9, 0.5, 0.7], 3)).toBeCloseTo(0.7, 9);
    expect(meanOfTop([0.4], 3)).toBe(0.4);
    expect(meanOfTop([], 3)).toBe(-1);
    // one face of B happens to match A exactly; the others do not
    const a = [[1, 0]];
    const b = [
      [1, 0],
      [0, 1],
      [0, 1],
    ];
    expect(trackSimilarity(a, b, 1)).toBeCloseTo(1, 9);
    expect(trackSimilarity(a, b, 3)).toBeCloseTo(1 / 3, 9);
  });

  it('clusters by a given similarity and never joins a cannot-link pair', () => {
    // 0~1 alike, 2 apart; 0 and 1 share frames of one camera: two people however alike
    const s = [
      [1, 0.95, 0.1],
      [0.95, 1, 0.1],
      [0.1, 0.1, 1],
    ];
    const sim = (i: number, j: number): number => s[i]![j]!;
    expect(clusterBySimilarity(3, sim, { threshold: 0.9 })).toEqual([[0, 1], [2]]);
    expect(clusterBySimilarity(3, sim, { threshold: 0.9, cannotLink: (i, j) => i + j === 1 })).toEqual([
      [0],
      [1],
      [2],
    ]);
  });
});

describe('unitTrackSimilarity', () => {
  it('equals trackSimilarity on unit vectors', () => {
    const r = seededRandom(3);
    const faces = (n: number): Float32Array[] =>
      Array.from({ length: n }, () => l2normalize(Array.from({ length: 32 }, () => r() - 0.5)));
    for (const [x, y] of [
      [5, 5],
      [1, 4],
      [2, 1],
    ] as const) {
      const a = faces(x);
      const b = faces(y);
      expect(unitTrackSimilarity(a, b, 3)).toBeCloseTo(trackSimilarity(a, b, 3), 6);
    }
    expect(unitTrackSimilarity([], [], 3)).toBe(-1);
  });
});
