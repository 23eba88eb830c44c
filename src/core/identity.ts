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
import { cosine, type Vector } from './vector.js';

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

/** Similarity of two tracks: the mean of the `k` best cross-similarities of their faces. */
export function trackSimilarity(a: readonly Vector[], b: readonly Vector[], k: number): number {
  const sims: number[] = [];
  for (const u of a) for (const v of b) sims.push(cosine(u, v));
  return meanOfTop(sims, k);
}
