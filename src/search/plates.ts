import { matchPlate, normalisePattern, type PlateMatch } from '../core/plate.js';
import { PlateCatalogue } from '../core/plate-catalogue.js';
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
 *
 * At city scale: the distinct texts and which tracks hold them come from the catalogue the
 * store's maintenance saved (or, filtered or written since, from compact columns of the rows the
 * filters keep), each distinct text is matched once per pattern through its bigram index, the
 * tracks are ranked from those costs, and whole rows are read only for the tracks listed. All
 * patterns of a watchlist share one catalogue and one read of rows.
 */
export async function searchPlates(
  store: Store,
  patterns: PlatePattern[],
  opts: PlateSearchOptions,
): Promise<SearchResult[]> {
  const where = await store.plateTrackWhere(
    {
      ...(opts.vehicle ? { vehicle: opts.vehicle } : {}),
      ...(opts.colour ? { colour: opts.colour } : {}),
    },
    opts.window,
  );
  // the catalogue maintenance saved, when the store is as it was then and nothing is filtered;
  // else one made from the columns of the rows the filters keep
  const catalogue =
    (where.length === 0 && !hasFilter(opts.window) ? await store.savedPlateCatalogue() : null) ??
    PlateCatalogue.of(await store.plateTextColumns(where, opts.window?.sources));
  const ranked = patterns.map((p) => catalogue.rank(p.pattern, opts.exact));

  // Whole rows of the tracks each pattern lists, read together for every pattern; again for a
  // pattern whose hits lay in sources not complete (they are passed over), until it has enough.
  const rows = new Map<string, { track: TrackRow; readings: PlateRow[] }>();
  const hitsOf: Hit[][] = patterns.map(() => []);
  const next = patterns.map(() => 0);
  const sources = new SourceCache(store);
  for (;;) {
    const wanted = new Set<string>();
    for (let k = 0; k < patterns.length; k++) {
      const list = ranked[k] as number[];
      const need = opts.limit - (hitsOf[k] as Hit[]).length;
      for (let c = next[k] as number; c < list.length && c < (next[k] as number) + need; c++) {
        const id = catalogue.trackIds.get(list[c] as number);
        if (!rows.has(id)) wanted.add(id);
      }
    }
    if (wanted.size > 0) await readRows(store, [...wanted], rows);
    let more = false;
    for (let k = 0; k < patterns.length; k++) {
      const p = patterns[k] as PlatePattern;
      const list = ranked[k] as number[];
      const hits = hitsOf[k] as Hit[];
      const end = Math.min(list.length, (next[k] as number) + opts.limit - hits.length);
      for (let c = next[k] as number; c < end; c++) {
        const row = rows.get(catalogue.trackIds.get(list[c] as number));
        if (!row || !(await sources.get(row.track.source_id))) continue;
        const hit = trackHit(p.pattern, row.track, row.readings, opts.exact);
        if (hit) hits.push(hit);
      }
      next[k] = end;
      if (hits.length < opts.limit && end < list.length) more = true;
    }
    if (!more) break;
  }

  const out: SearchResult[] = [];
  for (let k = 0; k < patterns.length; k++) {
    const p = patterns[k] as PlatePattern;
    for (const h of hitsOf[k] as Hit[]) {
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
    }
  }
  return out;
}

async function readRows(
  store: Store,
  ids: string[],
  into: Map<string, { track: TrackRow; readings: PlateRow[] }>,
): Promise<void> {
  const readings = new Map<string, PlateRow[]>();
  for (const r of await store.plateRowsOfTracks(ids)) {
    const list = readings.get(r.track_id);
    if (list) list.push(r);
    else readings.set(r.track_id, [r]);
  }
  for (const track of await store.tracks('plate', ids)) {
    into.set(track.id, { track, readings: readings.get(track.id) ?? [] });
  }
}

/**
 * How one track answers a pattern: through its settled text (evidence: the most confident reading
 * of that text) or, when one is clearly cheaper, through a raw reading; null when neither matches.
 */
export function trackHit(pattern: string, track: TrackRow, readings: PlateRow[], exact: boolean): Hit | null {
  if (readings.length === 0) return null;
  let best: Hit | undefined;
  // the raw readings that match, cheapest then most confident first
  const matched = readings
    .map((r) => ({ r, m: matchPlate(pattern, r.text, { exact }) }))
    .filter((x): x is { r: PlateRow; m: PlateMatch } => x.m !== null)
    .sort((a, b) => a.m.cost - b.m.cost || b.r.confidence - a.r.confidence);
  const settled = track.text ? matchPlate(pattern, track.text, { exact }) : null;
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
  return best ?? null;
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
