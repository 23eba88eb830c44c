/**
 * Clustering of face-track descriptors into persons. Pure: no I/O.
 *
 * Average-linkage agglomerative clustering on cosine similarity: two clusters merge while the mean
 * similarity over all their cross pairs is at or above the threshold. Average linkage is robust to
 * the single bridging pair that makes single linkage chain unrelated people together, and does not
 * split a person over one poor frame as complete linkage does.
 */
import { cosine, fuseVectors, type Vector } from './vector.js';

/** A track's descriptor: the quality-weighted, normalised mean of its faces' vectors. */
export function trackDescriptor(vectors: readonly Vector[], qualities?: readonly number[]): Float32Array {
  // A zero or negative quality must not cancel a face out entirely: floor the weight.
  const weights = qualities?.map((q) => (Number.isFinite(q) ? Math.max(0.05, q) : 0.05));
  return fuseVectors(vectors, weights);
}

export interface ClusterOptions {
  /** Mean cosine similarity two clusters need to merge. */
  threshold: number;
  /**
   * Pairs that must never share a cluster (e.g. two faces in the same frame of one camera).
   * A cluster holding such a pair is never formed.
   */
  cannotLink?: (i: number, j: number) => boolean;
}

/**
 * Groups `vectors` (indices into it) by average linkage. Returns clusters as sorted index lists,
 * largest first, ties by smallest index. O(n^2) memory; each merge updates the row maxima.
 */
export function clusterAverageLinkage(vectors: readonly Vector[], opts: ClusterOptions): number[][] {
  return clusterBySimilarity(
    vectors.length,
    (i, j) => cosine(vectors[i] as Vector, vectors[j] as Vector),
    opts,
  );
}

/**
 * The same average linkage over `n` items whose pairwise similarity `similarity(i, j)` (i < j)
 * gives, e.g. the track-vs-track similarity of core/identity.ts.
 */
export function clusterBySimilarity(
  n: number,
  similarity: (i: number, j: number) => number,
  opts: ClusterOptions,
): number[][] {
  if (n === 0) return [];
  const sim: Float64Array[] = [];
  for (let i = 0; i < n; i++) sim.push(new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const row = sim[i] as Float64Array;
    row[i] = -Infinity;
    for (let j = i + 1; j < n; j++) {
      let s = similarity(i, j);
      if (opts.cannotLink?.(i, j)) s = -Infinity;
      row[j] = s;
      (sim[j] as Float64Array)[i] = s;
    }
  }
  const members: Array<number[] | null> = Array.from({ length: n }, (_, i) => [i]);
  const alive = new Uint8Array(n).fill(1);
  // best partner of each row, recomputed lazily
  const bestJ = new Int32Array(n).fill(-1);
  const bestS = new Float64Array(n).fill(-Infinity);
  const refresh = (i: number): void => {
    const row = sim[i] as Float64Array;
    let bj = -1;
    let bs = -Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i || !alive[j]) continue;
      const s = row[j] as number;
      if (s > bs) {
        bs = s;
        bj = j;
      }
    }
    bestJ[i] = bj;
    bestS[i] = bs;
  };
  for (let i = 0; i < n; i++) refresh(i);

  for (;;) {
    let a = -1;
    let s = -Infinity;
    for (let i = 0; i < n; i++) {
      if (alive[i] && (bestS[i] as number) > s) {
        s = bestS[i] as number;
        a = i;
      }
    }
    if (a < 0 || !(s >= opts.threshold)) break;
    const b = bestJ[a] as number;
    const ma = members[a] as number[];
    const mb = members[b] as number[];
    const na = ma.length;
    const nb = mb.length;
    // Lance-Williams update for average linkage; -Infinity (cannot-link) stays -Infinity.
    const rowA = sim[a] as Float64Array;
    const rowB = sim[b] as Float64Array;
    for (let k = 0; k < n; k++) {
      if (!alive[k] || k === a || k === b) continue;
      const sa = rowA[k] as number;
      const sb = rowB[k] as number;
      const v = sa === -Infinity || sb === -Infinity ? -Infinity : (na * sa + nb * sb) / (na + nb);
      rowA[k] = v;
      (sim[k] as Float64Array)[a] = v;
    }
    members[a] = [...ma, ...mb];
    members[b] = null;
    alive[b] = 0;
    refresh(a);
    for (let k = 0; k < n; k++) {
      if (!alive[k] || k === a) continue;
      const bk = bestJ[k] as number;
      if (bk === a || bk === b) refresh(k);
      else if (((sim[k] as Float64Array)[a] as number) > (bestS[k] as number)) {
        bestJ[k] = a;
        bestS[k] = (sim[k] as Float64Array)[a] as number;
      }
    }
  }
  const out = members.filter((m): m is number[] => m !== null).map((m) => [...m].sort((x, y) => x - y));
  return out.sort((x, y) => y.length - x.length || (x[0] as number) - (y[0] as number));
}

/** Normalised mean of a cluster's descriptors: its centre, for scoring members against it. */
export function clusterCentroid(vectors: readonly Vector[], members: readonly number[]): Float32Array {
  return fuseVectors(members.map((i) => vectors[i] as Vector));
}
