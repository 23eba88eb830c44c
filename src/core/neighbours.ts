/**
 * Near pairs among many unit vectors without comparing every pair: an inverted file of spherical
 * k-means cells (the IVF of vector databases), searched per vector in its nearest cells. Pure:
 * no I/O; deterministic.
 *
 * Approximate: a pair whose two vectors fall in cells that neither one probes is missed. The
 * caller measures what that costs (recurring: scripts/bench-search.ts and its test compare the
 * pairs with all pairs).
 */
import { seededRandom } from './random.js';
import { fastDot as dot } from './vector.js';

export interface NearPairOptions {
  /** Pairs with a dot product at or above this are returned. */
  minCosine: number;
  /** Cells (default: √(probes × n), where a vector's search costs least). */
  cells?: number;
  /** Cells searched per vector (default 8). */
  probes?: number;
  /** Vectors k-means trains on (default 16 a cell, at most 20,000). */
  sample?: number;
  iterations?: number;
}

function normalise(v: Float32Array): Float32Array {
  const n = Math.sqrt(dot(v, v)) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n;
  return v;
}

/** Spherical k-means centroids of `vectors` (unit length). */
export function trainCells(
  vectors: readonly Float32Array[],
  cells: number,
  sample: number,
  iterations: number,
): Float32Array[] {
  const rnd = seededRandom(17);
  const pool = [...vectors.keys()];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
  }
  const train = pool.slice(0, Math.min(sample, pool.length)).map((i) => vectors[i] as Float32Array);
  const k = Math.max(1, Math.min(cells, train.length));
  let centroids: Float32Array[] = train.slice(0, k).map((v) => Float32Array.from(v));
  const dims = centroids[0]?.length ?? 0;
  for (let it = 0; it < iterations; it++) {
    const sums = centroids.map(() => new Float32Array(dims));
    const counts = new Int32Array(k);
    for (const v of train) {
      const c = nearest(centroids, v, 1)[0] as number;
      const s = sums[c] as Float32Array;
      for (let d = 0; d < dims; d++) s[d] = (s[d] as number) + (v[d] as number);
      counts[c] = (counts[c] as number) + 1;
    }
    // an empty cell keeps its centroid
    centroids = sums.map((s, c) =>
      (counts[c] as number) > 0 ? normalise(s) : (centroids[c] as Float32Array),
    );
  }
  return centroids;
}

/** Indices of the `m` centroids nearest `v`, nearest first. */
function nearest(centroids: readonly Float32Array[], v: Float32Array, m: number): number[] {
  const ids = new Int32Array(m).fill(-1);
  const sims = new Float64Array(m).fill(-Infinity);
  for (let c = 0; c < centroids.length; c++) {
    const s = dot(centroids[c] as Float32Array, v);
    if (s <= (sims[m - 1] as number)) continue;
    // insert in order
    let k = m - 1;
    while (k > 0 && s > (sims[k - 1] as number)) {
      sims[k] = sims[k - 1] as number;
      ids[k] = ids[k - 1] as number;
      k--;
    }
    sims[k] = s;
    ids[k] = c;
  }
  return [...ids].filter((c) => c >= 0);
}

/**
 * Pairs (i < j) of `vectors` (unit length) with a dot product ≥ `minCosine` found in the cells
 * each vector probes, with that dot product.
 */
export function nearPairs(
  vectors: readonly Float32Array[],
  opts: NearPairOptions,
): Array<[number, number, number]> {
  const n = vectors.length;
  const wanted = opts.probes ?? 8;
  // cells C and probes P cost C + P n / C dot products a vector: least at C = √(P n)
  const cells = opts.cells ?? Math.max(1, Math.round(Math.sqrt(wanted * n)));
  const probes = Math.min(wanted, cells);
  // k-means on 16 vectors a cell is enough to place the cells (it is the search that must be exact)
  // Cells are made and searched on the vectors less their mean: face embeddings share a large
  // common component (|mean| about 0.3), around which k-means makes a few giant cells and many
  // small ones, and a search through giant cells is a scan. The mean removed, the cells are even;
  // which pairs count is still decided on the vectors as given.
  const centred = centre(vectors);
  const centroids = trainCells(
    centred,
    cells,
    opts.sample ?? Math.min(20_000, 16 * cells),
    opts.iterations ?? 5,
  );
  const members: number[][] = centroids.map(() => []);
  for (let i = 0; i < n; i++)
    (members[nearest(centroids, centred[i] as Float32Array, 1)[0] as number] as number[]).push(i);
  const seen = new Set<number>();
  const out: Array<[number, number, number]> = [];
  for (let i = 0; i < n; i++) {
    const v = vectors[i] as Float32Array;
    for (const c of nearest(centroids, centred[i] as Float32Array, probes)) {
      for (const j of members[c] as number[]) {
        if (j === i) continue;
        const a = Math.min(i, j);
        const b = Math.max(i, j);
        const key = a * n + b;
        if (seen.has(key)) continue;
        const s = dot(v, vectors[j] as Float32Array);
        if (s < opts.minCosine) continue;
        seen.add(key);
        out.push([a, b, s]);
      }
    }
  }
  return out;
}

/** The vectors less their mean, each of unit length again. */
function centre(vectors: readonly Float32Array[]): Float32Array[] {
  const dims = vectors[0]?.length ?? 0;
  const mean = new Float64Array(dims);
  for (const v of vectors) for (let d = 0; d < dims; d++) mean[d] = (mean[d] as number) + (v[d] as number);
  for (let d = 0; d < dims; d++) mean[d] = (mean[d] as number) / Math.max(1, vectors.length);
  return vectors.map((v) => normalise(Float32Array.from(v, (x, d) => x - (mean[d] as number))));
}
