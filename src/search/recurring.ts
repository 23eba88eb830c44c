/**
 * Unknown recurring faces: clusters every face track of the store across sources and cameras and
 * lists the persons seen in several tracks (or cameras), as search-style results.
 */
import { clusterBySimilarity } from '../core/cluster.js';
import { bestFaces, trackSimilarity } from '../core/identity.js';
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

export async function findRecurring(store: Store, opts: RecurringOptions): Promise<RecurringOutcome> {
  const allTracks = await store.tracks('face');
  const sources = new SourceCache(store);
  const byId = new Map<string, TrackRow>();
  for (const t of allTracks) if (await sources.get(t.source_id)) byId.set(t.id, t);

  const faces = new Map<string, { vectors: number[][]; qualities: number[] }>();
  for (const f of await store.faceVectorsOfTracks(opts.window)) {
    if (!byId.has(f.track_id)) continue;
    let e = faces.get(f.track_id);
    if (!e) faces.set(f.track_id, (e = { vectors: [], qualities: [] }));
    e.vectors.push(f.vector);
    e.qualities.push(f.quality);
  }
  const ids = [...faces.keys()].sort();
  const tracks = ids.map((id) => byId.get(id) as TrackRow);
  // identity is decided on each track's best faces (quality: size, sharpness, pose, score)
  const best = ids.map((id) => {
    const e = faces.get(id) as { vectors: number[][]; qualities: number[] };
    return bestFaces(
      e.vectors.map((vector, k) => ({ vector, quality: e.qualities[k] as number })),
      BEST_FACES,
    ).map((f) => f.vector);
  });
  const sim = (i: number, j: number): number =>
    trackSimilarity(best[i] as number[][], best[j] as number[][], PAIRS);
  // pairs inside a person are read twice more (cohesion, each sighting's score): scored once
  const memo = new Map<number, number>();
  const simOf = (i: number, j: number): number => {
    const key = i < j ? i * ids.length + j : j * ids.length + i;
    let s = memo.get(key);
    if (s === undefined) memo.set(key, (s = sim(i, j)));
    return s;
  };
  const clusters = clusterBySimilarity(ids.length, sim, {
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
  return {
    tracksConsidered: ids.length,
    clusters: clusters.length,
    persons,
    results: persons.flatMap((p) => p.results),
    tracks: byId,
  };
}
