import { describe, expect, it } from 'vitest';
import { clusterAverageLinkage, clusterCentroid, trackDescriptor } from '../../src/core/cluster.js';
import { cosine, l2normalize } from '../../src/core/vector.js';
import { compareByTime, overlapsInSource } from '../../src/search/recurring.js';
import type { SearchResult } from '../../src/core/types.js';
import type { TrackRow } from '../../src/store/store.js';
import { prng } from '../../fixtures/lib/raster.js';

function around(centre: Float32Array, noise: number, rand: () => number): Float32Array {
  return l2normalize(Array.from(centre, (v) => v + (rand() - 0.5) * noise));
}

function randomUnit(rand: () => number, dim = 128): Float32Array {
  return l2normalize(Array.from({ length: dim }, () => rand() - 0.5));
}

describe('trackDescriptor (fusion)', () => {
  it('is the quality-weighted normalised mean of the faces', () => {
    const a = [1, 0, 0];
    const b = [0, 1, 0];
    const even = trackDescriptor([a, b], [1, 1]);
    expect(even[0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(even[1]).toBeCloseTo(Math.SQRT1_2, 5);
    const skewed = trackDescriptor([a, b], [3, 1]);
    expect(skewed[0]).toBeGreaterThan(skewed[1] as number);
    expect(Math.hypot(...skewed)).toBeCloseTo(1, 5);
  });

  it('does not let a zero or invalid quality erase a face', () => {
    const d = trackDescriptor(
      [
        [1, 0],
        [0, 1],
      ],
      [0, Number.NaN],
    );
    expect(d[0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(d[1]).toBeCloseTo(Math.SQRT1_2, 5);
  });

  it('fused descriptor of noisy faces is closer to the person than a typical single face', () => {
    const rand = prng(7);
    const centre = randomUnit(rand);
    const faces = Array.from({ length: 8 }, () => around(centre, 0.15, rand));
    const fused = trackDescriptor(
      faces,
      faces.map(() => 1),
    );
    const single = faces.reduce((s, f) => s + cosine(f, centre), 0) / faces.length;
    expect(cosine(fused, centre)).toBeGreaterThan(single);
  });
});

describe('clusterAverageLinkage', () => {
  it('two identities give two clusters', () => {
    const rand = prng(1);
    const p = randomUnit(rand);
    const q = randomUnit(rand);
    const vs = [
      around(p, 0.05, rand),
      around(q, 0.05, rand),
      around(p, 0.05, rand),
      around(q, 0.05, rand),
      around(p, 0.05, rand),
    ];
    const clusters = clusterAverageLinkage(vs, { threshold: 0.9 });
    expect(clusters).toEqual([
      [0, 2, 4],
      [1, 3],
    ]);
  });

  it('threshold: above every similarity keeps singletons, below every similarity merges all', () => {
    const vs = [
      [1, 0, 0],
      [0.96, 0.28, 0],
      [0, 1, 0],
    ];
    expect(clusterAverageLinkage(vs, { threshold: 0.99 })).toEqual([[0], [1], [2]]);
    expect(clusterAverageLinkage(vs, { threshold: 0.9 })).toEqual([[0, 1], [2]]);
    expect(clusterAverageLinkage(vs, { threshold: -1 })).toEqual([[0, 1, 2]]);
  });

  it('merges on the mean of all cross pairs, not on one bridging pair (no chaining)', () => {
    // a - b - c on a line: a~b and b~c are close, a~c far. Single linkage would chain all three.
    const ang = (d: number): number[] => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)];
    const vs = [ang(0), ang(18), ang(40)];
    // a~b cos 18deg = 0.95, b~c cos 22deg = 0.93, a~c cos 40deg = 0.77: after {a,b} merge, c's mean
    // to {a,b} is (0.93 + 0.77) / 2 = 0.85
    expect(clusterAverageLinkage(vs, { threshold: 0.9 })).toEqual([[0, 1], [2]]);
    expect(clusterAverageLinkage(vs, { threshold: 0.8 })).toEqual([[0, 1, 2]]);
  });

  it('never joins cannot-link pairs, even through a third member', () => {
    const vs = [
      [1, 0],
      [0.999, 0.045],
      [0.998, 0.063],
    ];
    const clusters = clusterAverageLinkage(vs, {
      threshold: 0.5,
      cannotLink: (i, j) => (i === 0 && j === 2) || (i === 2 && j === 0),
    });
    expect(clusters.some((c) => c.includes(0) && c.includes(2))).toBe(false);
    expect(clusters.flat().sort()).toEqual([0, 1, 2]);
  });

  it('handles empty and single input', () => {
    expect(clusterAverageLinkage([], { threshold: 0.9 })).toEqual([]);
    expect(clusterAverageLinkage([[1, 0]], { threshold: 0.9 })).toEqual([[0]]);
  });

  it('recovers 20 noisy identities among 100 tracks', () => {
    const rand = prng(42);
    const centres = Array.from({ length: 20 }, () => randomUnit(rand));
    const labels: number[] = [];
    const vs: Float32Array[] = [];
    for (let k = 0; k < 100; k++) {
      const id = Math.floor(rand() * 20);
      labels.push(id);
      vs.push(around(centres[id] as Float32Array, 0.04, rand));
    }
    const clusters = clusterAverageLinkage(vs, { threshold: 0.9 });
    for (const c of clusters) expect(new Set(c.map((i) => labels[i])).size).toBe(1);
    expect(clusters.length).toBe(new Set(labels).size);
    const centroid = clusterCentroid(vs, clusters[0] as number[]);
    expect(Math.hypot(...centroid)).toBeCloseTo(1, 5);
  });
});

describe('recurring helpers', () => {
  const track = (source: string, start: number, end: number): TrackRow =>
    ({ source_id: source, start_offset: start, end_offset: end }) as TrackRow;

  it('tracks of one source overlapping in time cannot be one person; other sources can', () => {
    expect(overlapsInSource(track('a', 0, 5), track('a', 4, 8))).toBe(true);
    expect(overlapsInSource(track('a', 0, 4), track('a', 4, 8))).toBe(false);
    expect(overlapsInSource(track('a', 0, 5), track('b', 0, 5))).toBe(false);
  });

  it('orders sightings by wall-clock time, then camera and offset; unknown times last', () => {
    const r = (camera: string, startTime: string | null, startOffset: number): SearchResult =>
      ({ camera, startTime, startOffset }) as SearchResult;
    const list = [
      r('b', null, 1),
      r('a', '2024-01-01T10:00:05.000Z', 5),
      r('a', null, 3),
      r('c', '2024-01-01T09:00:00.000Z', 0),
    ];
    expect(list.sort(compareByTime).map((x) => `${x.camera}${x.startOffset}`)).toEqual([
      'c0',
      'a5',
      'a3',
      'b1',
    ]);
  });
});
