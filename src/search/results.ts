import { crossings } from '../core/boundary.js';
import type { Camera } from '../core/cameras.js';
import { wallClock } from '../core/time.js';
import type { Box, SearchResult, VehicleInfo } from '../core/types.js';
import type { SourceRow, Store, TrackRow } from '../store/store.js';

/** Looks up sources once per search; only sources whose indexing completed are searchable. */
export class SourceCache {
  private cache = new Map<string, SourceRow | null>();
  constructor(private readonly store: Store) {}

  async get(id: string): Promise<SourceRow | undefined> {
    if (!this.cache.has(id)) {
      const s = await this.store.getSource(id);
      this.cache.set(id, s && s.status === 'complete' ? s : null);
    }
    return this.cache.get(id) ?? undefined;
  }
}

/** One sighting as a contract result: offsets from the first frame, wall-clock where known. */
export function sightingResult(
  kind: 'face' | 'plate',
  track: TrackRow,
  source: SourceRow,
  score: number,
  evidence: { offset: number; pts: number; box: Box },
  extra: { pattern?: string; text?: string; label?: string; cost?: number } = {},
): SearchResult & { label?: string; cost?: number } {
  return {
    kind,
    ...(extra.pattern !== undefined ? { pattern: extra.pattern } : {}),
    ...(extra.label !== undefined ? { label: extra.label } : {}),
    camera: track.camera,
    source: { path: source.path, sha256: source.sha256 },
    startOffset: track.start_offset,
    endOffset: track.end_offset,
    startTime: wallClock(source.start_time, track.start_offset),
    endTime: wallClock(source.start_time, track.end_offset),
    score: Math.round(score * 10000) / 10000,
    ...(extra.text !== undefined ? { text: extra.text } : {}),
    ...(extra.cost !== undefined ? { cost: Math.round(extra.cost * 1000) / 1000 } : {}),
    trackId: track.id,
    evidence: {
      offset: evidence.offset,
      pts: evidence.pts,
      box: evidence.box.map((v) => Math.round(v * 10) / 10) as Box,
    },
    ...(kind === 'plate' && track.vehicle_type ? { vehicle: vehicleInfo(track) } : {}),
  };
}

/** The vehicle columns of a plate track as a result's `vehicle`. */
export function vehicleInfo(track: TrackRow): VehicleInfo {
  const r2 = (v: number): number => Math.round(v * 100) / 100;
  return {
    type: track.vehicle_type ?? '',
    colour: track.vehicle_colour ?? null,
    confidence: r2(Math.max(0, track.vehicle_confidence)),
    ...(track.vehicle_colour ? { colourConfidence: r2(Math.max(0, track.colour_confidence)) } : {}),
  };
}

/**
 * Results with their camera's name and place from the register, and at boundary cameras whether
 * the subject (pattern or person) entered or left (core/boundary.ts).
 */
export function placeResults<T extends SearchResult>(
  results: T[],
  cameras: ReadonlyMap<string, Camera>,
): T[] {
  if (cameras.size === 0) return results;
  const crossed = crossings(
    results.map((r) => ({ ...r, subject: (r as { label?: string }).label ?? r.pattern ?? '' })),
    cameras,
  );
  return results.map((r, i) => {
    const c = cameras.get(r.camera);
    const b = crossed[i];
    return {
      ...r,
      ...(c ? { place: { name: c.name, lat: c.lat, lon: c.lon } } : {}),
      ...(b ? { boundary: b } : {}),
    };
  });
}
