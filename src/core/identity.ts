/**
 * Identity by track: a sighting (track) is compared by its best faces, not by one frame or by a
 * blurred average. Pure: no I/O.
 *
 * CCTV faces of one person vary far more than portraits (pose, blur, size), so a single pair of
 * frames says little; the mean of the k best cross-similarities between two tracks' best faces is
 * steadier than the single best pair (one lucky frame of a look-alike) and than the similarity of
 * two mean vectors (which a few poor frames drag towards everyone else). Measured on the real clips
 * by scripts/eval-faces-cctv.ts (docs/accuracy-faces.md).
 */
import { cosine, fastDot, type Vector } from './vector.js';

export interface ScoredFace {
  vector: Vector;
  /** quality.overall of the face: size, sharpness, pose, detector score. */
  quality: number;
}

/** The `n` faces of highest quality (ties: the earlier), the ones identity is decided on. */
export function bestFaces<T extends ScoredFace>(faces: readonly T[], n: number): T[] {
  return faces
    .map((f, i) => ({ f, i }))
    .sort((a, b) => b.f.quality - a.f.quality || a.i - b.i)
    .slice(0, Math.max(1, n))
    .map((x) => x.f);
}

/** Mean of the `k` highest of `sims` (all of them when fewer); -1 for none. */
export function meanOfTop(sims: readonly number[], k: number): number {
  if (sims.length === 0) return -1;
  const top = [...sims].sort((a, b) => b - a).slice(0, Math.max(1, k));
  return top.reduce((s, v) => s + v, 0) / top.length;
}

/**
 * {@link trackSimilarity} of faces already of unit length (cosine = dot product), without
 * allocating: what clustering a large store runs millions of times.
 */
export function unitTrackSimilarity(
  a: readonly Float32Array[],
  b: readonly Float32Array[],
  k: number,
): number {
  const top = new Float64Array(Math.max(1, k)).fill(-Infinity);
  let count = 0;
  for (const u of a) {
    for (const v of b) {
      const s = Math.max(-1, Math.min(1, fastDot(u, v)));
      count++;
      if (s <= (top[top.length - 1] as number)) continue;
      let at = top.length - 1;
      while (at > 0 && s > (top[at - 1] as number)) {
        top[at] = top[at - 1] as number;
        at--;
      }
      top[at] = s;
    }
  }
  if (count === 0) return -1;
  const m = Math.min(count, top.length);
  let sum = 0;
  for (let i = 0; i < m; i++) sum += top[i] as number;
  return sum / m;
}

/** Similarity of two tracks: the mean of the `k` best cross-similarities of their faces. */
export function trackSimilarity(a: readonly Vector[], b: readonly Vector[], k: number): number {
  const sims: number[] = [];
  for (const u of a) for (const v of b) sims.push(cosine(u, v));
  return meanOfTop(sims, k);
}
