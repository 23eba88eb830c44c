import { matchPlate, normalisePattern, normalisePlate, type PlateMatch } from '../core/plate.js';
import { PlateTextIndex } from '../core/plate-index.js';
import type { SearchResult } from '../core/types.js';
import type { SightingFilter } from '../store/filter.js';
import type { PlateRow, PlateTextColumns, Store, TrackRow } from '../store/store.js';
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
 * At city scale: the store gives the settled texts and readings as compact columns (filters in
 * its query), each distinct text is matched once per pattern through {@link PlateTextIndex}, the
 * tracks are ranked from those costs, and whole rows are read only for the tracks listed. All
 * patterns of a watchlist share one scan, one index and one read of rows.
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
  const catalogue = PlateCatalogue.of(await store.plateTextColumns(where, opts.window?.sources));
  const index = new PlateTextIndex(catalogue.texts);
  const ranked = patterns.map((p) => catalogue.rank(index, p.pattern, opts.exact));

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
        const id = catalogue.trackIds[list[c] as number] as string;
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
        const row = rows.get(catalogue.trackIds[list[c] as number] as string);
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

const PLAIN = /^[A-Z0-9]*$/;

/**
 * The plate tracks and readings of a search as arrays: distinct texts (each matched once), which
 * tracks hold each text settled or read, and each track's score and first reading (the order the
 * store keeps them, which breaks ties as a scan of the rows would).
 */
export class PlateCatalogue {
  private constructor(
    readonly texts: string[],
    readonly trackIds: string[],
    private readonly trackScore: Float64Array,
    private readonly firstReading: Int32Array,
    /** CSR: text → track rows whose settled text it is; text → track rows of its readings. */
    private readonly settled: Csr,
    private readonly read: Csr,
  ) {}

  static of(cols: PlateTextColumns): PlateCatalogue {
    const texts: string[] = [];
    const byText = new Map<string, number>();
    const textOf = (raw: string | null | undefined): number => {
      if (typeof raw !== 'string') return -1;
      let i = byText.get(raw);
      if (i === undefined) {
        byText.set(raw, (i = texts.length));
        texts.push(PLAIN.test(raw) ? raw : normalisePlate(raw));
      }
      return i;
    };
    const t = cols.tracks;
    const n = t.ids.length;
    const trackIds = t.ids;
    const rowOf = new Map<string, number>();
    const trackScore = Float64Array.from(t.scores);
    const trackText = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      rowOf.set(trackIds[i] as string, i);
      trackText[i] = textOf(t.texts[i]);
    }
    const r = cols.readings;
    const firstReading = new Int32Array(n).fill(-1);
    const readTrack: number[] = [];
    const readText: number[] = [];
    for (let i = 0; i < r.trackIds.length; i++) {
      const row = rowOf.get(r.trackIds[i] as string);
      if (row === undefined) continue;
      if ((firstReading[row] as number) < 0) firstReading[row] = i;
      const text = textOf(r.texts[i]);
      if (text < 0) continue;
      readTrack.push(row);
      readText.push(text);
    }
    const withReadings: number[] = [];
    const settledText: number[] = [];
    for (let i = 0; i < n; i++) {
      // a track without a reading is never a hit (it has no evidence frame)
      if ((firstReading[i] as number) >= 0 && (trackText[i] as number) >= 0) {
        withReadings.push(i);
        settledText.push(trackText[i] as number);
      }
    }
    return new PlateCatalogue(
      texts,
      trackIds,
      trackScore,
      firstReading,
      csr(texts.length, settledText, withReadings),
      csr(texts.length, readText, readTrack),
    );
  }

  /**
   * The track rows a pattern matches, ranked as search lists them: cheapest match (settled text or
   * any reading), then the track's score, then the store's order.
   */
  rank(index: PlateTextIndex, pattern: string, exact: boolean): number[] {
    const cost = new Map<number, number>();
    const note = (row: number, c: number): void => {
      const prev = cost.get(row);
      if (prev === undefined || c < prev) cost.set(row, c);
    };
    for (const m of index.match(pattern, { exact })) {
      this.settled.each(m.text, (row) => note(row, m.match.cost));
      this.read.each(m.text, (row) => note(row, m.match.cost));
    }
    return [...cost.entries()]
      .sort(
        (a, b) =>
          a[1] - b[1] ||
          (this.trackScore[b[0]] as number) - (this.trackScore[a[0]] as number) ||
          (this.firstReading[a[0]] as number) - (this.firstReading[b[0]] as number),
      )
      .map(([row]) => row);
  }
}

/** Lists of rows by key, in compressed sparse rows. */
class Csr {
  constructor(
    private readonly start: Int32Array,
    private readonly items: Int32Array,
  ) {}

  each(key: number, fn: (item: number) => void): void {
    const end = this.start[key + 1] as number;
    for (let k = this.start[key] as number; k < end; k++) fn(this.items[k] as number);
  }
}

function csr(keys: number, keyOf: readonly number[], items: readonly number[]): Csr {
  const start = new Int32Array(keys + 1);
  for (const k of keyOf) start[k + 1] = (start[k + 1] as number) + 1;
  for (let k = 0; k < keys; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
  const fill = start.slice(0, keys);
  const out = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const k = keyOf[i] as number;
    out[fill[k] as number] = items[i] as number;
    fill[k] = (fill[k] as number) + 1;
  }
  return new Csr(start, out);
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
