import { matchPlate, normalisePattern, type PlateMatch } from '../core/plate.js';
import type { SearchResult } from '../core/types.js';
import { hasFilter, type SightingFilter } from '../store/filter.js';
import type { PlateRow, Store, TrackRow } from '../store/store.js';
import { SourceCache, sightingResult } from './results.js';

export interface PlatePattern {
  pattern: string;
  label?: string;
}

export interface PlateSearchOptions {
  exact: boolean;
  /** Per pattern. */
  limit: number;
  /** Only sightings whose vehicle was seen as this type (car, motorcycle, bus, truck, van). */
  vehicle?: string;
  /** Only sightings whose vehicle was seen in this colour. */
  colour?: string;
  /** --from / --to / --camera, applied in the store query. */
  window?: SightingFilter;
}

interface Hit {
  track: TrackRow;
  cost: number;
  score: number;
  evidence: PlateRow;
}

/**
 * Finds vehicle sightings by plate pattern. A track matches through its settled reading or any
 * raw reading in it (OCR may have read the plate right only once); ranked by match cost, then by
 * the track's confidence.
 */
export async function searchPlates(
  store: Store,
  patterns: PlatePattern[],
  opts: PlateSearchOptions,
): Promise<SearchResult[]> {
  const filtered = opts.vehicle !== undefined || opts.colour !== undefined || hasFilter(opts.window);
  const tracks = new Map(
    (
      await store.plateTracks(
        {
          ...(opts.vehicle ? { vehicle: opts.vehicle } : {}),
          ...(opts.colour ? { colour: opts.colour } : {}),
        },
        opts.window,
      )
    ).map((t) => [t.id, t]),
  );
  const rows = filtered && tracks.size === 0 ? [] : await store.plateRows(opts.window?.sources);
  const byTrack = new Map<string, PlateRow[]>();
  for (const r of rows) {
    if (!tracks.has(r.track_id)) continue;
    const list = byTrack.get(r.track_id);
    if (list) list.push(r);
    else byTrack.set(r.track_id, [r]);
  }
  const sources = new SourceCache(store);
  const out: SearchResult[] = [];
  for (const p of patterns) {
    const hits: Hit[] = [];
    for (const [trackId, readings] of byTrack) {
      const track = tracks.get(trackId);
      if (!track) continue;
      let best: Hit | undefined;
      // the raw readings that match, cheapest then most confident first
      const matched = readings
        .map((r) => ({ r, m: matchPlate(p.pattern, r.text, { exact: opts.exact }) }))
        .filter((x): x is { r: PlateRow; m: PlateMatch } => x.m !== null)
        .sort((a, b) => a.m.cost - b.m.cost || b.r.confidence - a.r.confidence);
      const settled = track.text ? matchPlate(p.pattern, track.text, { exact: opts.exact }) : null;
      if (settled) {
        // evidence: the most confident reading of the settled text, else the best-matching one
        const same = readings
          .filter((r) => r.text === track.text)
          .reduce<PlateRow | undefined>((a, b) => (!a || b.confidence > a.confidence ? b : a), undefined);
        const ev = same ?? matched[0]?.r ?? readings[0];
        if (ev) best = { track, cost: settled.cost, score: settled.score * track.score, evidence: ev };
      }
      // A raw reading must beat the settled one clearly to count: it is one frame's opinion.
      const raw = matched[0];
      if (raw && (!best || raw.m.cost < best.cost)) {
        best = { track, cost: raw.m.cost, score: raw.m.score * raw.r.confidence, evidence: raw.r };
      }
      if (best) hits.push(best);
    }
    hits.sort((a, b) => a.cost - b.cost || b.track.score - a.track.score);
    let n = 0;
    for (const h of hits) {
      const source = await sources.get(h.track.source_id);
      if (!source) continue;
      const e = h.evidence;
      out.push(
        sightingResult(
          'plate',
          h.track,
          source,
          h.score,
          { offset: e.offset, pts: e.pts, box: [e.box_x, e.box_y, e.box_w, e.box_h] },
          {
            pattern: normalisePattern(p.pattern),
            text: h.track.text ?? e.text,
            cost: h.cost,
            ...(p.label !== undefined ? { label: p.label } : {}),
          },
        ),
      );
      if (++n >= opts.limit) break;
    }
  }
  return out;
}

/** Watchlist file: one `pattern[,label]` a line; blank lines and lines starting with # are ignored. */
export function parseWatchlist(text: string): PlatePattern[] {
  const out: PlatePattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const comma = line.indexOf(',');
    if (comma < 0) out.push({ pattern: line });
    else {
      const label = line.slice(comma + 1).trim();
      out.push({ pattern: line.slice(0, comma).trim(), ...(label ? { label } : {}) });
    }
  }
  return out;
}
