/**
 * Unknown recurring faces: clusters every face track of the store across sources and cameras and
 * lists the persons seen in several tracks (or cameras), as search-style results.
 */
import { clusterSparse } from '../core/cluster-sparse.js';
import { unitTrackSimilarity } from '../core/identity.js';
import { nearPairs } from '../core/neighbours.js';
import { fuseVectors, l2normalize } from '../core/vector.js';
import type { SearchResult } from '../core/types.js';
import type { SightingFilter } from '../store/filter.js';
import type { Store, TrackRow } from '../store/store.js';
import { SourceCache, sightingResult } from './results.js';

export interface RecurringOptions {
  /**
   * Track-vs-track similarity (mean of the 3 best cross-pairs of their best faces), averaged over
   * the members of two groups (average linkage), for the groups to be one person.
   */
  threshold: number;
  /** --from / --to / --camera, applied in the store query. */
  window?: SightingFilter;
  /** A person must be seen in at least this many tracks (sightings). */
  minTracks: number;
  /** ... and in at least this many distinct cameras. */
  minCameras: number;
  /** Most persons listed. */
  limit: number;
  /** Up to this many sightings every pair is compared (default {@link EXACT_TRACKS}). */
  exactUpTo?: number;
}

export interface RecurringPerson {
  /** `person-001`, … in the order listed. */
  label: string;
  tracks: number;
  cameras: string[];
  /** Lowest track-vs-track similarity inside the person: how tight the group is at its weakest. */
  cohesion: number;
  /** The person's sightings, by time. */
  results: SearchResult[];
}

export interface RecurringOutcome {
  /** Face tracks considered (of complete sources, with vectors). */
  tracksConsidered: number;
  /** Clusters formed before the min-tracks / min-cameras filter. */
  clusters: number;
  persons: RecurringPerson[];
  /** All persons' sightings: by person, then time. */
  results: SearchResult[];
  /** Track rows by id, for thumbnails. */
  tracks: Map<string, TrackRow>;
}

/** Two tracks of one source that overlap in time show two people: they must not be merged. */
export function overlapsInSource(a: TrackRow, b: TrackRow): boolean {
  return a.source_id === b.source_id && a.start_offset < b.end_offset && b.start_offset < a.end_offset;
}

function timeKey(r: SearchResult): [string, string, number] {
  return [r.startTime ?? '\uffff', r.camera, r.startOffset];
}

export function compareByTime(a: SearchResult, b: SearchResult): number {
  const [ta, ca, oa] = timeKey(a);
  const [tb, cb, ob] = timeKey(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (ca !== cb) return ca < cb ? -1 : 1;
  return oa - ob;
}

/** Faces a track is judged by (its best by quality), and cross-pairs averaged between two tracks. */
const BEST_FACES = 5;
const PAIRS = 3;

/** Up to this many face sightings every pair is compared; above it, pairs come from a neighbour search. */
export const EXACT_TRACKS = 1000;

/**
 * Pairs whose track descriptors (normalised mean of their best faces) are at least this much
 * below the threshold are not compared face by face. Chosen, not yet measured on real footage:
 * on the grown store of test/integration/recurring-scale.test.ts no pair at or above the
 * threshold was lost by it (the persons equal the every-pair comparison's).
 */
const DESCRIPTOR_MARGIN = 0.2;

export async function findRecurring(store: Store, opts: RecurringOptions): Promise<RecurringOutcome> {
  // thumbnails are read for the persons listed only, not for every sighting of the store
  const allTracks = await store.tracks('face', undefined, [], { thumbs: false });
  const sources = new SourceCache(store);
  const byId = new Map<string, TrackRow>();
  for (const t of allTracks) if (await sources.get(t.source_id)) byId.set(t.id, t);

  // each track's best faces by quality (ties: the earlier face), kept as the faces stream by
  const kept = new Map<string, { vectors: Float32Array[]; qualities: number[] }>();
  for await (const f of store.streamFaceVectors(opts.window)) {
    if (!byId.has(f.track_id)) continue;
    let e = kept.get(f.track_id);
    if (!e) kept.set(f.track_id, (e = { vectors: [], qualities: [] }));
    let at = e.qualities.length;
    while (at > 0 && f.quality > (e.qualities[at - 1] as number)) at--;
    if (at >= BEST_FACES) continue;
    e.qualities.splice(at, 0, f.quality);
    e.vectors.splice(at, 0, Float32Array.from(f.vector));
    if (e.qualities.length > BEST_FACES) {
      e.qualities.pop();
      e.vectors.pop();
    }
  }
  const ids = [...kept.keys()].sort();
  const tracks = ids.map((id) => byId.get(id) as TrackRow);
  // unit length once, so that a pair's similarity is dot products only
  const best = ids.map((id) =>
    (kept.get(id) as { vectors: Float32Array[] }).vectors.map((v) => l2normalize(v)),
  );
  kept.clear();
  const sim = (i: number, j: number): number =>
    unitTrackSimilarity(best[i] as Float32Array[], best[j] as Float32Array[], PAIRS);
  // pairs inside a person are read twice more (cohesion, each sighting's score): scored once
  const memo = new Map<number, number>();
  const simOf = (i: number, j: number): number => {
    const key = i < j ? i * ids.length + j : j * ids.length + i;
    let s = memo.get(key);
    if (s === undefined) memo.set(key, (s = sim(i, j)));
    return s;
  };
  const edges = await edgesAbove(best, opts.threshold, sim, opts.exactUpTo ?? EXACT_TRACKS);
  for (const [i, j, s] of edges) memo.set(i * ids.length + j, s);
  const clusters = clusterSparse({
    n: ids.length,
    edges,
    similarity: sim,
    threshold: opts.threshold,
    // two tracks in the same frames of one source are two people
    cannotLink: (i, j) => overlapsInSource(tracks[i] as TrackRow, tracks[j] as TrackRow),
  });

  const candidates: Array<Omit<RecurringPerson, 'label' | 'results'> & { members: number[]; first: string }> =
    [];
  for (const members of clusters) {
    const cams = [...new Set(members.map((i) => (tracks[i] as TrackRow).camera))].sort();
    if (members.length < opts.minTracks || cams.length < opts.minCameras) continue;
    let weakest = 1;
    for (const i of members) for (const j of members) if (i < j) weakest = Math.min(weakest, simOf(i, j));
    candidates.push({
      members,
      tracks: members.length,
      cameras: cams,
      cohesion: weakest,
      first: members.map((i) => (tracks[i] as TrackRow).id).sort()[0] as string,
    });
  }
  // Persons seen in most cameras, then most tracks, first; a stable order for equal ones.
  candidates.sort(
    (a, b) => b.cameras.length - a.cameras.length || b.tracks - a.tracks || (a.first < b.first ? -1 : 1),
  );

  const persons: RecurringPerson[] = [];
  for (const c of candidates.slice(0, opts.limit)) {
    const label = `person-${String(persons.length + 1).padStart(3, '0')}`;
    const results: SearchResult[] = [];
    for (const i of c.members) {
      const t = tracks[i] as TrackRow;
      const source = await sources.get(t.source_id);
      if (!source) continue;
      // a sighting's score: its mean similarity to the person's other sightings
      const others = c.members.filter((j) => j !== i);
      const score = others.reduce((a, j) => a + simOf(i, j), 0) / Math.max(1, others.length);
      results.push(
        sightingResult(
          'face',
          t,
          source,
          score,
          { offset: t.best_offset, pts: t.best_pts, box: [t.best_x, t.best_y, t.best_w, t.best_h] },
          { pattern: label },
        ),
      );
    }
    results.sort(compareByTime);
    persons.push({
      label,
      tracks: c.tracks,
      cameras: c.cameras,
      cohesion: Math.round(c.cohesion * 10000) / 10000,
      results,
    });
  }
  const results = persons.flatMap((p) => p.results);
  const shown = await store.tracks('face', [
    ...new Set(results.flatMap((r) => (r.trackId ? [r.trackId] : []))),
  ]);
  return {
    tracksConsidered: ids.length,
    clusters: clusters.length,
    persons,
    results,
    tracks: new Map(shown.map((t) => [t.id, t])),
  };
}

/**
 * The pairs of sightings at or above the threshold: every pair of a small store; in a large one
 * the pairs a neighbour search over the sightings' descriptors proposes, each then scored face by
 * face.
 */
async function edgesAbove(
  best: readonly Float32Array[][],
  threshold: number,
  sim: (i: number, j: number) => number,
  exactUpTo: number,
): Promise<Array<[number, number, number]>> {
  const n = best.length;
  const out: Array<[number, number, number]> = [];
  const keep = (i: number, j: number): void => {
    const s = sim(i, j);
    if (s >= threshold) out.push([i, j, s]);
  };
  if (n <= exactUpTo) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) keep(i, j);
    return out;
  }
  const descriptors = best.map((faces) => fuseVectors(faces));
  // the products by onnxruntime's matrix product (loaded only for a store this large)
  const { nativeDotBlock } = await import('../ml/onnx/dots.js');
  const kernel = await nativeDotBlock();
  try {
    const pairs = await nearPairs(descriptors, {
      minCosine: threshold - DESCRIPTOR_MARGIN,
      dots: kernel.dots,
    });
    for (const [i, j] of pairs) keep(i, j);
  } finally {
    await kernel.dispose();
  }
  return out;
}
