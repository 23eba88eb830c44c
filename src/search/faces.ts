import { cosine, fuseVectors } from '../core/vector.js';
import type { Box, FaceDetection, SearchResult } from '../core/types.js';
import type { Store, TrackRow } from '../store/store.js';
import { SourceCache, sightingResult } from './results.js';

export interface FaceQuery {
  /** Fused, L2-normalised query descriptor. */
  vector: Float32Array;
  /** Name of the person (watchlists), becomes `pattern`. */
  label?: string;
}

export interface FaceSearchOptions {
  threshold: number;
  limit: number;
}

/** The face a photo is taken to show: the n-th largest (1 = largest). */
export function pickFace(faces: FaceDetection[], n = 1): FaceDetection | undefined {
  const bySize = [...faces].sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
  return bySize[n - 1];
}

/** Several photos of one person: one query, the normalised mean of their descriptors. */
export function fuseQuery(descriptors: Float32Array[]): Float32Array {
  return fuseVectors(descriptors);
}

/** Rows fetched from the vector index per query: enough to cover every track of a frequent face. */
const CANDIDATES = 4000;

/**
 * Finds sightings of a person: nearest face rows, kept at or above the threshold, grouped by
 * track. A sighting's score is its best face's similarity; its evidence is that face's frame.
 */
export async function searchFaces(
  store: Store,
  q: FaceQuery,
  opts: FaceSearchOptions,
): Promise<SearchResult[]> {
  const rows = await store.nearestFaces(q.vector, CANDIDATES);
  const best = new Map<string, { sim: number; offset: number; pts: number; box: Box; source: string }>();
  for (const r of rows) {
    const sim = 1 - r._distance;
    if (sim < opts.threshold) continue;
    const prev = best.get(r.track_id);
    if (!prev || sim > prev.sim) {
      best.set(r.track_id, {
        sim,
        offset: r.offset,
        pts: r.pts,
        box: [r.box_x, r.box_y, r.box_w, r.box_h],
        source: r.source_sha256,
      });
    }
  }
  if (best.size === 0) return [];
  const tracks = new Map((await store.tracks('face')).map((t) => [t.id, t]));
  const sources = new SourceCache(store);
  const out: SearchResult[] = [];
  const ranked = [...best.entries()].sort((a, b) => b[1].sim - a[1].sim);
  for (const [trackId, hit] of ranked) {
    const track = tracks.get(trackId);
    const source = await sources.get(hit.source);
    if (!track || !source) continue;
    out.push(
      sightingResult('face', track, source, hit.sim, hit, q.label !== undefined ? { pattern: q.label } : {}),
    );
    if (out.length >= opts.limit) break;
  }
  return out;
}

/** Cosine similarity of two descriptors, for reports. */
export function similarity(a: Float32Array, b: Float32Array): number {
  return cosine(a, b);
}

export type { TrackRow };
