/**
 * Travelling together: the plates and people seen with a subject (one plate's or one person's
 * sightings from a results file) within ±N seconds at two or more cameras (core/convoy.ts).
 * People beside the subject are told apart by face: their tracks are clustered as `search
 * recurring` does, conservatively, so one companion is not split into many nor two merged.
 */
import { clusterBySimilarity } from '../core/cluster.js';
import { companions as findCompanions, type CoSighting, type Companion } from '../core/convoy.js';
import { plateOf } from '../core/flags.js';
import { bestFaces, trackSimilarity } from '../core/identity.js';
import type { SearchResult } from '../core/types.js';
import { sqlString } from '../store/filter.js';
import type { Store, TrackRow } from '../store/store.js';
import { overlapsInSource } from './recurring.js';
import { SourceCache, sightingResult } from './results.js';

export interface ConvoyOptions {
  withinSeconds: number;
  minCameras: number;
  /** Track-vs-track similarity for two face tracks to be one companion (the recurring threshold). */
  faceThreshold: number;
  /** Camera id → plate region (register tag), for naming plates. */
  regions: ReadonlyMap<string, string>;
}

export interface ConvoyCompanion extends Companion {
  kind: 'plate' | 'face';
  /** The plate, or `companion-001`… for a person. */
  label: string;
  /** Plates: what was read. */
  readings?: string[];
}

const BEST_FACES = 5;
const PAIRS = 3;

const shift = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** The companions of `subject` and their shared sightings as search results (exportable). */
export async function findConvoy(
  store: Store,
  subject: readonly SearchResult[],
  opts: ConvoyOptions,
): Promise<{ companions: ConvoyCompanion[]; results: SearchResult[]; subjectSightings: number }> {
  const placed = subject.filter((r) => r.startTime !== null);
  const spans = placed.map((r) => ({
    camera: r.camera,
    startTime: r.startTime!,
    endTime: r.endTime ?? r.startTime!,
  }));
  const own = new Set(subject.flatMap((r) => (r.trackId ? [r.trackId] : [])));
  const ownPlates = new Set(
    subject.flatMap((r) =>
      r.kind === 'plate' && r.text ? [plateOf(r.text, opts.regions.get(r.camera) ?? null)] : [],
    ),
  );
  const tracks = new Map<string, TrackRow>();
  const seen: Array<CoSighting & { kind: 'plate' | 'face' }> = [];
  const faceTracks: TrackRow[] = [];
  for (const [i, s] of spans.entries()) {
    const near = await store.tracks(undefined, undefined, [
      `camera = ${sqlString(s.camera)}`,
      `end_time >= ${sqlString(shift(s.startTime, -opts.withinSeconds))}`,
      `start_time <= ${sqlString(shift(s.endTime, opts.withinSeconds))}`,
    ]);
    for (const t of near) {
      if (own.has(t.id) || !t.start_time || !t.end_time) continue;
      tracks.set(t.id, t);
      const base = { with: i, camera: t.camera, trackId: t.id, startTime: t.start_time, endTime: t.end_time };
      if (t.kind === 'plate' && t.text) {
        const plate = plateOf(t.text, opts.regions.get(t.camera) ?? null);
        if (!ownPlates.has(plate)) seen.push({ ...base, key: `plate:${plate}`, kind: 'plate' });
      } else if (t.kind === 'face' && t.usable > 0) {
        if (!faceTracks.some((f) => f.id === t.id)) faceTracks.push(t);
        seen.push({ ...base, key: `face-track:${t.id}`, kind: 'face' });
      }
    }
  }
  // people: face tracks clustered into companions; any like the subject's own face dropped
  const faceKey = await faceIdentities(store, faceTracks, [...own], opts.faceThreshold);
  const keyed = seen.flatMap((s) => {
    if (s.kind === 'plate') return [s];
    const k = faceKey.get(s.trackId);
    return k ? [{ ...s, key: k }] : [];
  });
  const found = findCompanions(spans, keyed, opts.withinSeconds, opts.minCameras);
  const sources = new SourceCache(store);
  const out: ConvoyCompanion[] = [];
  const results: SearchResult[] = [];
  let people = 0;
  for (const c of found) {
    const kind = c.key.startsWith('plate:') ? 'plate' : 'face';
    const label =
      kind === 'plate' ? c.key.slice('plate:'.length) : `companion-${String(++people).padStart(3, '0')}`;
    const readings =
      kind === 'plate'
        ? [...new Set(c.shared.map((s) => tracks.get(s.trackId)?.text ?? ''))].sort()
        : undefined;
    out.push({ ...c, kind, label, ...(readings ? { readings } : {}) });
    for (const s of c.shared) {
      const t = tracks.get(s.trackId)!;
      const source = await sources.get(t.source_id);
      if (!source) continue;
      results.push(
        sightingResult(
          kind,
          t,
          source,
          t.score,
          { offset: t.best_offset, pts: t.best_pts, box: [t.best_x, t.best_y, t.best_w, t.best_h] },
          { pattern: label, ...(kind === 'plate' && t.text ? { text: t.text } : {}) },
        ),
      );
    }
  }
  return { companions: out, results, subjectSightings: spans.length };
}

/**
 * Face tracks clustered into people (average linkage at `threshold`; two tracks in the same frames
 * of one source are two people); clusters like the subject's own tracks are the subject, not a
 * companion, and get no key.
 */
async function faceIdentities(
  store: Store,
  faces: readonly TrackRow[],
  subjectTracks: readonly string[],
  threshold: number,
): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  if (faces.length === 0) return keys;
  const rows = await store.faceVectorsOf([...faces.map((t) => t.id), ...subjectTracks]);
  const byTrack = new Map<string, Array<{ vector: number[]; quality: number }>>();
  for (const r of rows) byTrack.set(r.track_id, [...(byTrack.get(r.track_id) ?? []), r]);
  const best = (id: string): number[][] => bestFaces(byTrack.get(id) ?? [], BEST_FACES).map((f) => f.vector);
  const usable = faces.filter((t) => (byTrack.get(t.id) ?? []).length > 0);
  const vectors = usable.map((t) => best(t.id));
  const subject = subjectTracks.map(best).filter((v) => v.length > 0);
  const clusters = clusterBySimilarity(
    usable.length,
    (i, j) => trackSimilarity(vectors[i]!, vectors[j]!, PAIRS),
    {
      threshold,
      cannotLink: (i, j) => overlapsInSource(usable[i]!, usable[j]!),
    },
  );
  clusters.forEach((members, n) => {
    const isSubject = members.some((i) =>
      subject.some((s) => trackSimilarity(vectors[i]!, s, PAIRS) >= threshold),
    );
    if (isSubject) return;
    for (const i of members) keys.set(usable[i]!.id, `face:${n}`);
  });
  return keys;
}
