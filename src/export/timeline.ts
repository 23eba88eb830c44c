import { csvRow } from '../core/escape.js';
import type { Camera } from '../core/cameras.js';
import type { Box, SearchDocument, SearchResult } from '../core/types.js';

/** A registered camera's place as "lat, lon" (5 decimals: about a metre), or null. */
export function placeOf(c: Pick<Camera, 'lat' | 'lon'> | undefined): string | null {
  return c ? `${c.lat.toFixed(5)}, ${c.lon.toFixed(5)}` : null;
}

export type SourceStatus = 'intact' | 'altered' | 'missing';

export interface EvidenceFiles {
  clean: string;
  annotated: string;
  crop: string;
}

/** One sighting as the bundle presents it. */
export interface TimelineEntry {
  /** 1-based position in the timeline (wall-clock order). */
  n: number;
  /** Position of this result in results.json (0-based; results are best first). */
  rank: number;
  kind: SearchResult['kind'];
  camera: string;
  /** The camera's name and place from the register (null when it is not registered). */
  cameraName: string | null;
  cameraPlace: string | null;
  /** At a boundary camera: whether the subject entered or left (search result `boundary`). */
  boundary: string | null;
  pattern: string | null;
  text: string | null;
  trackId: string | null;
  sourcePath: string;
  sourceSha256: string;
  sourceStatus: SourceStatus;
  startOffset: number;
  endOffset: number;
  startTime: string | null;
  endTime: string | null;
  score: number;
  threshold: number | null;
  /** Faces: the match's strength in words, with its measured false-match rate. */
  strength: string | null;
  /** Faces: the strength's band in a word (strong, moderate, weak …). */
  strengthBand: string | null;
  /** Plates: the vehicle seen carrying the plate, in words ("blue car, type confidence 0.35"). */
  vehicle: string | null;
  evidenceOffset: number;
  evidencePts: number | null;
  evidenceFrame: number | null;
  box: Box;
  files: EvidenceFiles | null;
  /** The examiner's decision and note (`sightline review`). */
  review?: { decision: string; note?: string };
  /** `export --redact`: the frame's SHA-256 before redaction, and how many regions were blurred. */
  redacted?: { unredactedSha256: string; regions: number };
  /** Why there are no evidence frames, when there are none. */
  frameError: string | null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * The threshold a result was judged against: the one the search recorded in its query, else
 * the store's setting for that kind (`<kind>.threshold`, `{<kind>: {threshold}}`,
 * `<kind>Threshold`), else a plain `threshold`.
 */
export function thresholdFor(
  kind: SearchResult['kind'],
  query: SearchDocument['query'],
  settings: Record<string, unknown>,
): number | null {
  const nested = settings[kind];
  return (
    num(query.threshold) ??
    num(settings[`${kind}.threshold`]) ??
    (typeof nested === 'object' && nested !== null
      ? num((nested as Record<string, unknown>).threshold)
      : null) ??
    num(settings[`${kind}Threshold`]) ??
    num(settings.threshold)
  );
}

/**
 * Wall-clock order; sightings with an unknown time come after, in offset order (offsets of
 * different sources are not comparable in time, so they are grouped by camera first).
 */
export function compareSightings(a: SearchResult, b: SearchResult): number {
  const ta = a.startTime ? Date.parse(a.startTime) : NaN;
  const tb = b.startTime ? Date.parse(b.startTime) : NaN;
  const ka = Number.isFinite(ta);
  const kb = Number.isFinite(tb);
  if (ka && kb && ta !== tb) return ta - tb;
  if (ka !== kb) return ka ? -1 : 1;
  if (!ka && a.camera !== b.camera) return a.camera < b.camera ? -1 : 1;
  return a.startOffset - b.startOffset || a.camera.localeCompare(b.camera);
}

export function buildTimeline(
  doc: SearchDocument,
  settings: Record<string, unknown>,
  statusOf: (r: SearchResult) => SourceStatus,
  cameras: ReadonlyMap<string, Pick<Camera, 'name' | 'lat' | 'lon'>> = new Map(),
): TimelineEntry[] {
  const ranked = doc.results.map((r, rank) => ({ r, rank }));
  ranked.sort((x, y) => compareSightings(x.r, y.r) || x.rank - y.rank);
  return ranked.map(({ r, rank }, i) => ({
    n: i + 1,
    rank,
    kind: r.kind,
    camera: r.camera,
    cameraName: cameras.get(r.camera)?.name ?? null,
    cameraPlace: placeOf(cameras.get(r.camera)),
    boundary: r.boundary ?? null,
    pattern: r.pattern ?? null,
    text: r.text ?? null,
    trackId: r.trackId ?? null,
    sourcePath: r.source.path,
    sourceSha256: r.source.sha256,
    sourceStatus: statusOf(r),
    startOffset: r.startOffset,
    endOffset: r.endOffset,
    startTime: r.startTime,
    endTime: r.endTime,
    score: r.score,
    threshold: thresholdFor(r.kind, doc.query, settings),
    strength: r.strength?.statement ?? null,
    strengthBand: r.strength?.band ?? null,
    ...(r.review ? { review: r.review } : {}),
    vehicle: r.vehicle ? vehicleWords(r.vehicle) : null,
    evidenceOffset: r.evidence.offset,
    evidencePts: r.evidence.pts ?? null,
    evidenceFrame: r.evidence.frame ?? null,
    box: r.evidence.box,
    files: null,
    frameError: null,
  }));
}

/** A result's vehicle as a report states it: what was seen and how sure the detector was. */
export function vehicleWords(v: NonNullable<SearchResult['vehicle']>): string {
  const colour = v.colour
    ? `${v.colour} ${v.type} (colour confidence ${(v.colourConfidence ?? 0).toFixed(2)}, `
    : `${v.type} (`;
  return `${colour}type confidence ${v.confidence.toFixed(2)})`;
}

export const CSV_COLUMNS = [
  'n',
  'rank',
  'kind',
  'camera',
  'camera_name',
  'camera_place',
  'boundary',
  'start_time',
  'end_time',
  'start_offset_s',
  'end_offset_s',
  'score',
  'threshold',
  'strength',
  'vehicle',
  'pattern',
  'text',
  'evidence_offset_s',
  'evidence_pts_s',
  'box_x',
  'box_y',
  'box_w',
  'box_h',
  'source_path',
  'source_sha256',
  'source_status',
  'clean_frame',
  'annotated_frame',
  'crop',
] as const;

/** timeline.csv: RFC 4180, CRLF, formula-neutralised cells, UTF-8 BOM so spreadsheets read UTF-8. */
export function timelineCsv(entries: readonly TimelineEntry[]): string {
  let out = '\uFEFF' + csvRow([...CSV_COLUMNS]);
  for (const e of entries) {
    out += csvRow([
      e.n,
      e.rank + 1,
      e.kind,
      e.camera,
      e.cameraName,
      e.cameraPlace,
      e.boundary,
      e.startTime,
      e.endTime,
      e.startOffset,
      e.endOffset,
      e.score,
      e.threshold,
      e.strength,
      e.vehicle,
      e.pattern,
      e.text,
      e.evidenceOffset,
      e.evidencePts,
      ...e.box,
      e.sourcePath,
      e.sourceSha256,
      e.sourceStatus,
      e.files?.clean,
      e.files?.annotated,
      e.files?.crop,
    ]);
  }
  return out;
}

/** Wall-clock time of the evidence frame, when the sighting's start time is known. */
export function evidenceTime(
  e: Pick<TimelineEntry, 'startTime' | 'startOffset' | 'evidenceOffset'>,
): string | null {
  if (!e.startTime) return null;
  const t = Date.parse(e.startTime);
  if (!Number.isFinite(t)) return null;
  return new Date(t + Math.round((e.evidenceOffset - e.startOffset) * 1000)).toISOString();
}
