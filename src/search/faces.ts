import { cosine, fuseVectors } from '../core/vector.js';
import type { Box, FaceDetection, SearchResult } from '../core/types.js';
import type { SightingFilter } from '../store/filter.js';
import type { Store } from '../store/store.js';
import { REUSED_MODEL_SUFFIX } from '../ml/face/reuse.js';
import { SourceCache, sightingResult } from './results.js';
import { matchStrength, type ConditionCalibration } from '../ml/face/calibration.js';

export interface FaceQuery {
  /** Fused, L2-normalised query descriptor. */
  vector: Float32Array;
  /** Name of the person (watchlists), becomes `pattern`. */
  label?: string;
}

/**
 * How a sighting (track) is scored from its faces' similarities to the query:
 * - 'best': the best face's similarity;
 * - 'top3' (default): the mean of the track's three best face similarities (fewer if it has fewer
 *   faces): one lucky frame of a look-alike no longer passes the threshold on its own;
 * - 'fused': similarity to the track's quality-weighted mean descriptor (reads every face vector).
 * Measured by scripts/eval-face-search.ts; docs/accuracy-faces.md has the figures.
 */
export type TrackScoring = 'best' | 'top3' | 'fused';

export interface FaceSearchOptions {
  threshold: number;
  limit: number;
  scoring?: TrackScoring;
  /** When given, each result states its strength (measured false-match rate) in words. */
  calibration?: ConditionCalibration;
  /** --from / --to / --camera, applied in the store query. */
  window?: SightingFilter;
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
 * Finds sightings of a person: nearest face rows grouped by track, scored per `scoring` (default
 * 'top3'), kept at or above the threshold. A sighting's evidence is its best-matching face's frame.
 */
export async function searchFaces(
  store: Store,
  q: FaceQuery,
  opts: FaceSearchOptions,
): Promise<SearchResult[]> {
  const rows = await store.nearestFaces(q.vector, CANDIDATES, opts.window);
  const scoring = opts.scoring ?? 'top3';
  const best = new Map<string, { sim: number; offset: number; pts: number; box: Box; source: string }>();
  const sims = new Map<string, number[]>();
  for (const r of rows) {
    // a reused (copied) descriptor was not computed on its frame: never a score nor evidence
    if (r.model_id?.endsWith(REUSED_MODEL_SUFFIX)) continue;
    const sim = 1 - r._distance;
    if (scoring !== 'best') {
      const list = sims.get(r.track_id) ?? [];
      list.push(sim);
      sims.set(r.track_id, list);
    } else if (sim < opts.threshold) continue;
    const prev = best.get(r.track_id);
    if (!prev || sim > prev.sim) {
      best.set(r.track_id, {
        sim,
        offset: r.offset,
        pts: r.pts,
        box: [r.box_x, r.box_y, r.box_w, r.box_h],
        source: r.source_id,
      });
    }
  }
  if (scoring === 'top3') {
    for (const [id, list] of sims) {
      const top = list.sort((a, b) => b - a).slice(0, 3);
      (best.get(id) as { sim: number }).sim = top.reduce((a, b) => a + b, 0) / top.length;
    }
  } else if (scoring === 'fused') {
    const fused = await fusedTrackScores(store, q.vector, new Set(sims.keys()), opts.window);
    for (const [id, sim] of fused) (best.get(id) as { sim: number }).sim = sim;
  }
  for (const [id, hit] of best) if (hit.sim < opts.threshold) best.delete(id);
  if (best.size === 0) return [];
  const sources = new SourceCache(store);
  const out: SearchResult[] = [];
  const ranked = [...best.entries()].sort((a, b) => b[1].sim - a[1].sim);
  // track rows for the sightings listed only (thousands pass the threshold on a large store),
  // a page at a time: a sighting of a source not complete is passed over and the next one read
  for (let from = 0; from < ranked.length && out.length < opts.limit;) {
    const page = ranked.slice(from, from + Math.max(opts.limit - out.length, 8));
    from += page.length;
    const tracks = new Map(
      (
        await store.tracks(
          'face',
          page.map(([id]) => id),
        )
      ).map((t) => [t.id, t]),
    );
    for (const [trackId, hit] of page) {
      const track = tracks.get(trackId);
      const source = await sources.get(hit.source);
      if (!track || !source) continue;
      const result = sightingResult(
        'face',
        track,
        source,
        hit.sim,
        hit,
        q.label !== undefined ? { pattern: q.label } : {},
      );
      out.push(opts.calibration ? { ...result, strength: matchStrength(opts.calibration, hit.sim) } : result);
      if (out.length >= opts.limit) break;
    }
  }
  return out;
}

/** Similarity of the query to each listed track's quality-weighted mean descriptor. */
async function fusedTrackScores(
  store: Store,
  query: Float32Array,
  ids: Set<string>,
  window?: SightingFilter,
): Promise<Map<string, number>> {
  const per = new Map<string, { vectors: number[][]; weights: number[] }>();
  for (const f of await store.faceVectorsOfTracks(window)) {
    if (!ids.has(f.track_id)) continue;
    let e = per.get(f.track_id);
    if (!e) per.set(f.track_id, (e = { vectors: [], weights: [] }));
    e.vectors.push(f.vector);
    e.weights.push(Math.max(0.05, f.quality));
  }
  const out = new Map<string, number>();
  for (const [id, e] of per) out.set(id, cosine(query, fuseVectors(e.vectors, e.weights)));
  return out;
}
