import { describe, expect, it } from 'vitest';
import { clusterBySimilarity } from '../../src/core/cluster.js';
import { clusterSparse } from '../../src/core/cluster-sparse.js';
import { nearPairs } from '../../src/core/neighbours.js';
import { seededRandom } from '../../src/core/random.js';
import { cosine, l2normalize } from '../../src/core/vector.js';

/** People as unit vectors, each seen several times with noise: the shape of face sightings. */
function sightings(people: number, seed: number, dims = 64): Float32Array[] {
  const r = seededRandom(seed);
  const out: Float32Array[] = [];
  for (let p = 0; p < people; p++) {
    const centre = Array.from({ length: dims }, () => r() - 0.5);
    const times = 1 + Math.floor(r() * 5);
    for (let k = 0; k < times; k++) out.push(l2normalize(centre.map((v) => v + (r() - 0.5) * 0.5)));
  }
  // shuffled, so a person's sightings are not neighbours by index
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as Float32Array, out[i] as Float32Array];
  }
  return out;
}

describe('clusterSparse', () => {
  for (const seed of [1, 2, 3]) {
    it(`forms the dense method's clusters from the pairs above the threshold (seed ${seed})`, () => {
      const v = sightings(60, seed);
      const sim = (i: number, j: number): number => cosine(v[i] as Float32Array, v[j] as Float32Array);
      const r = seededRandom(seed + 10);
      const banned = new Set<number>();
      for (let k = 0; k < 40; k++)
        banned.add(Math.floor(r() * v.length) * v.length + Math.floor(r() * v.length));
      const cannotLink = (i: number, j: number): boolean =>
        banned.has(i * v.length + j) || banned.has(j * v.length + i);
      const threshold = 0.6;
      const edges: Array<[number, number, number]> = [];
      for (let i = 0; i < v.length; i++)
        for (let j = i + 1; j < v.length; j++) if (sim(i, j) >= threshold) edges.push([i, j, sim(i, j)]);
      const dense = clusterBySimilarity(v.length, sim, { threshold, cannotLink });
      const sparse = clusterSparse({ n: v.length, edges, similarity: sim, threshold, cannotLink });
      expect(dense.some((c) => c.length > 2)).toBe(true);
      expect(sparse).toEqual(dense);
    });
  }
});

describe('nearPairs', () => {
  it('finds nearly every pair above the bar without comparing all pairs', async () => {
    const v = sightings(1500, 4);
    const minCosine = 0.6;
    let all = 0;
    for (let i = 0; i < v.length; i++)
      for (let j = i + 1; j < v.length; j++)
        if (cosine(v[i] as Float32Array, v[j] as Float32Array) >= minCosine) all++;
    const found = await nearPairs(v, { minCosine });
    expect(found.every(([i, j, s]) => i < j && s >= minCosine)).toBe(true);
    expect(new Set(found.map(([i, j]) => `${i}:${j}`)).size).toBe(found.length);
    expect(found.length).toBeGreaterThanOrEqual(0.97 * all);
  });
});
