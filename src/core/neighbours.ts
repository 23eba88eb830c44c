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

/**
 * Dot products of every row of `a` (`rows` × `dims`, row-major) with every row of `b` (`cols` ×
 * `dims`): `rows` × `cols`, row-major. The search's only arithmetic, behind this interface so a
 * native matrix product (ml/onnx/dots.ts: onnxruntime's Gemm, ~100× a JavaScript loop) can do it.
 */
export type DotBlock = (
  a: Float32Array,
  rows: number,
  b: Float32Array,
  cols: number,
  dims: number,
) => Promise<Float32Array>;

/** {@link DotBlock} in JavaScript (tests, and where no native product is given). */
export const jsDotBlock: DotBlock = (a, rows, b, cols, dims) => {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const ra = r * dims;
    for (let c = 0; c < cols; c++) {
      const cb = c * dims;
      let s0 = 0;
      let s1 = 0;
      let d = 0;
      for (; d + 1 < dims; d += 2) {
        s0 += (a[ra + d] as number) * (b[cb + d] as number);
        s1 += (a[ra + d + 1] as number) * (b[cb + d + 1] as number);
      }
      if (d < dims) s0 += (a[ra + d] as number) * (b[cb + d] as number);
      out[r * cols + c] = s0 + s1;
    }
  }
  return Promise.resolve(out);
};

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
  /** The dot products (default {@link jsDotBlock}). */
  dots?: DotBlock;
}

/** At most this many dot products are asked of the kernel at once (64 MB of answers). */
const BLOCK = 1 << 24;

/** Rows of `vectors` (each `dims` long) at `ids`, packed one after another. */
function pack(vectors: readonly Float32Array[], ids: ArrayLike<number>, dims: number): Float32Array {
  const out = new Float32Array(ids.length * dims);
  for (let k = 0; k < ids.length; k++) out.set(vectors[ids[k] as number] as Float32Array, k * dims);
  return out;
}

/** The vectors less `mean`, each of unit length again (rows `ids`, packed). */
function packCentred(
  vectors: readonly Float32Array[],
  ids: ArrayLike<number>,
  mean: Float32Array,
): Float32Array {
  const dims = mean.length;
  const out = new Float32Array(ids.length * dims);
  for (let k = 0; k < ids.length; k++) {
    const v = vectors[ids[k] as number] as Float32Array;
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      const x = (v[d] as number) - (mean[d] as number);
      out[k * dims + d] = x;
      norm += x * x;
    }
    const inv = 1 / (Math.sqrt(norm) || 1);
    for (let d = 0; d < dims; d++) out[k * dims + d] = (out[k * dims + d] as number) * inv;
  }
  return out;
}

function meanOf(vectors: readonly Float32Array[], dims: number): Float32Array {
  const sum = new Float64Array(dims);
  for (const v of vectors) for (let d = 0; d < dims; d++) sum[d] = (sum[d] as number) + (v[d] as number);
  return Float32Array.from(sum, (x) => x / Math.max(1, vectors.length));
}

/**
 * The `m` nearest cells of `count` centred vectors, nearest first: count × m, row-major.
 * `rows(from, to)`: those vectors packed, a block at a time.
 */
async function nearestCells(
  count: number,
  rows: (from: number, to: number) => Float32Array,
  centroids: Float32Array,
  cells: number,
  m: number,
  dots: DotBlock,
): Promise<Int32Array> {
  const dims = centroids.length / cells;
  const out = new Int32Array(count * m).fill(-1);
  const sims = new Float64Array(m);
  const step = Math.max(1, Math.floor(BLOCK / cells));
  for (let from = 0; from < count; from += step) {
    const to = Math.min(count, from + step);
    const s = await dots(rows(from, to), to - from, centroids, cells, dims);
    for (let r = 0; r < to - from; r++) {
      const row = (from + r) * m;
      sims.fill(-Infinity);
      for (let c = 0; c < cells; c++) {
        const x = s[r * cells + c] as number;
        if (x <= (sims[m - 1] as number)) continue;
        let k = m - 1;
        while (k > 0 && x > (sims[k - 1] as number)) {
          sims[k] = sims[k - 1] as number;
          out[row + k] = out[row + k - 1] as number;
          k--;
        }
        sims[k] = x;
        out[row + k] = c;
      }
    }
  }
  return out;
}

/** Spherical k-means centroids (packed, unit length) of the centred vectors `ids`. */
async function trainCells(
  vectors: readonly Float32Array[],
  ids: number[],
  mean: Float32Array,
  cells: number,
  iterations: number,
  dots: DotBlock,
): Promise<{ centroids: Float32Array; cells: number }> {
  const dims = mean.length;
  const k = Math.max(1, Math.min(cells, ids.length));
  const train = packCentred(vectors, ids, mean);
  let centroids = train.slice(0, k * dims);
  const rows = (from: number, to: number): Float32Array => train.subarray(from * dims, to * dims);
  for (let it = 0; it < iterations; it++) {
    const home = await nearestCells(ids.length, rows, centroids, k, 1, dots);
    const sums = new Float64Array(k * dims);
    const counts = new Int32Array(k);
    for (let r = 0; r < ids.length; r++) {
      const c = home[r] as number;
      counts[c] = (counts[c] as number) + 1;
      for (let d = 0; d < dims; d++)
        sums[c * dims + d] = (sums[c * dims + d] as number) + (train[r * dims + d] as number);
    }
    const next = new Float32Array(k * dims);
    for (let c = 0; c < k; c++) {
      // an empty cell keeps its centroid
      if ((counts[c] as number) === 0) {
        next.set(centroids.subarray(c * dims, (c + 1) * dims), c * dims);
        continue;
      }
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += (sums[c * dims + d] as number) ** 2;
      const inv = 1 / (Math.sqrt(norm) || 1);
      for (let d = 0; d < dims; d++) next[c * dims + d] = (sums[c * dims + d] as number) * inv;
    }
    centroids = next;
  }
  return { centroids, cells: k };
}

/**
 * Pairs (i < j) of `vectors` (unit length) with a dot product ≥ `minCosine` found in the cells
 * each vector probes, with that dot product.
 *
 * Cells are made and searched on the vectors less their mean: face embeddings share a large
 * common component (|mean| about 0.3), around which k-means makes a few giant cells and many
 * small ones, and a search through giant cells is a scan. Which pairs count is still decided on
 * the vectors as given. The products run a block at a time (a cell's members against every vector
 * that probes the cell), so a native kernel does nearly all the arithmetic.
 */
export async function nearPairs(
  vectors: readonly Float32Array[],
  opts: NearPairOptions,
): Promise<Array<[number, number, number]>> {
  const n = vectors.length;
  const dims = vectors[0]?.length ?? 0;
  if (n < 2) return [];
  const dots = opts.dots ?? jsDotBlock;
  const wanted = opts.probes ?? 8;
  // cells C and probes P cost C + P n / C dot products a vector: least at C = √(P n)
  const asked = opts.cells ?? Math.max(1, Math.round(Math.sqrt(wanted * n)));
  const mean = meanOf(vectors, dims);
  // k-means on 16 vectors a cell is enough to place the cells (it is the search that must be exact)
  const rnd = seededRandom(17);
  const pool = [...vectors.keys()];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
  }
  const sample = pool.slice(0, Math.min(opts.sample ?? Math.min(20_000, 16 * asked), n));
  const { centroids, cells } = await trainCells(vectors, sample, mean, asked, opts.iterations ?? 5, dots);
  const probes = Math.min(wanted, cells);
  const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k);
  const near = await nearestCells(
    n,
    (from, to) => packCentred(vectors, range(from, to), mean),
    centroids,
    cells,
    probes,
    dots,
  );
  const members: number[][] = Array.from({ length: cells }, () => []);
  const probers: number[][] = Array.from({ length: cells }, () => []);
  for (let i = 0; i < n; i++) {
    (members[near[i * probes] as number] as number[]).push(i);
    for (let k = 0; k < probes; k++) {
      const c = near[i * probes + k] as number;
      if (c >= 0) (probers[c] as number[]).push(i);
    }
  }
  const seen = new Set<number>();
  const out: Array<[number, number, number]> = [];
  for (let c = 0; c < cells; c++) {
    const m = members[c] as number[];
    const q = probers[c] as number[];
    if (m.length === 0 || q.length === 0) continue;
    const packedMembers = pack(vectors, m, dims);
    const step = Math.max(1, Math.floor(BLOCK / m.length));
    for (let from = 0; from < q.length; from += step) {
      const rows = q.slice(from, from + step);
      const s = await dots(pack(vectors, rows, dims), rows.length, packedMembers, m.length, dims);
      for (let r = 0; r < rows.length; r++) {
        const i = rows[r] as number;
        for (let k = 0; k < m.length; k++) {
          const x = s[r * m.length + k] as number;
          if (x < opts.minCosine) continue;
          const j = m[k] as number;
          if (j === i) continue;
          const a = Math.min(i, j);
          const b = Math.max(i, j);
          const key = a * n + b;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push([a, b, x]);
        }
      }
    }
  }
  return out;
}
