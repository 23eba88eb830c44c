/**
 * Plate search as it was before the index (0.5.0): every reading of the filtered tracks read into
 * JavaScript and scored against each pattern. Kept as the reference the indexed search must equal.
 */
import { matchPlate, normalisePattern, type PlateMatch } from '../../src/core/plate.js';
import type { SearchResult } from '../../src/core/types.js';
import { hasFilter } from '../../src/store/filter.js';
import type { PlateRow, Store, TrackRow } from '../../src/store/store.js';
import { SourceCache, sightingResult } from '../../src/search/results.js';
import type { PlatePattern, PlateSearchOptions } from '../../src/search/plates.js';

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
export async function searchPlatesByScan(
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
