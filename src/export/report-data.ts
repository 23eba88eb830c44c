import type { Camera } from '../core/cameras.js';
import type { SearchDocument, TrailLeg } from '../core/types.js';
import type { SourceStatus, TimelineEntry } from './timeline.js';

export interface ModelRecord {
  id: string;
  package: string;
  file: string;
  sha256: string;
  /** Licence and what is known (or not) of where the weights come from. */
  provenance?: string;
  /** Which models/*.json lists it: faces, plates or vehicles. */
  group?: string;
}

/** A source as checked at export: hash recorded at index time against the file now. */
export interface SourceCheck {
  path: string;
  cameras: string[];
  sha256AtIndex: string;
  sha256AtExport: string | null;
  sizeAtIndex: number | null;
  sizeAtExport: number | null;
  status: SourceStatus;
}

/** Everything both reports show, gathered once so the PDF and the HTML cannot disagree. */
export interface ReportData {
  caseId: string | null;
  examiner: string | null;
  createdAt: string;
  toolVersion: string;
  gitCommit: string | null;
  query: SearchDocument['query'];
  resultsFile: { path: string; sha256: string } | null;
  models: ModelRecord[];
  settings: Array<[string, string]>;
  timeline: TimelineEntry[];
  /** Display copies of evidence, by timeline n. */
  images: Map<number, { clean: Buffer; annotated: Buffer; crop: Buffer }>;
  /** The query photos: shown in the report, a copy in the bundle when the file was found unchanged. */
  queryPhotos: QueryPhoto[];
  /** The audit trail in a few lines (entries, actions, chain state). */
  audit: Array<[string, string]>;
  /** SHA-256 of manifest.json, printed on every page. */
  manifestSha256: string;
  /** A reviewed results file: who reviewed, when, and how many were accepted or rejected. */
  review: SearchDocument['review'] | null;
  /** `export --redact`: what was blurred, and how. */
  redaction: { method: string; frames: number; faces: number; plates: number } | null;
  sources: SourceCheck[];
  /** The cameras of the sightings, with their register entry (null: not in the register). */
  cameras: CameraLine[];
  /** A trail document's legs and the map of its route (display copy), else null. */
  trail: { legs: TrailLeg[]; map: Buffer | null; mapFile: string | null } | null;
  /** Contents of docs/accuracy.md at export time, or null when error rates were not measured. */
  accuracy: string | null;
  problems: string[];
}

export interface QueryPhoto {
  /** The photo's file name as the search recorded it. */
  name: string;
  sha256: string;
  /** The watchlist person it stands for. */
  person?: string;
  /** Its copy in the bundle, e.g. query/01-suspect.jpg (null when it could not be copied). */
  file: string | null;
  /** Display copy. */
  png: Buffer | null;
  /** Why there is no copy, or what differs. */
  note?: string;
}

/** Model groups a result kind depends on. */
const KIND_GROUPS = { face: ['faces'], plate: ['plates'] } as const;

/**
 * The models an export's results depend on: the face models for face results (of them, only the
 * recogniser and detectors the search names in `query.model`, plus the landmark net every face
 * passes through), the OCR models for plate results, the vehicle detector when a result carries
 * a vehicle. Models are matched on their id without '#manifest' or '@build' suffixes.
 */
export function modelsUsed(models: readonly ModelRecord[], doc: SearchDocument): ModelRecord[] {
  const base = (id: string): string => id.replace(/#.*$/, '').replace(/@.*$/, '');
  const kinds = new Set(doc.results.map((r) => r.kind));
  if (kinds.size === 0 && (doc.query.kind === 'face' || doc.query.kind === 'plate'))
    kinds.add(doc.query.kind);
  if (doc.query.kind === 'recurring') kinds.add('face');
  const faceModels =
    typeof doc.query.model === 'string'
      ? new Set([...doc.query.model.split('+').map(base), 'face-api/face_landmark_68'])
      : null;
  const groups = new Set<string>([...kinds].flatMap((k) => KIND_GROUPS[k]));
  if (doc.results.some((r) => r.vehicle)) groups.add('vehicles');
  return models
    .filter((m) => {
      if (!m.group || !groups.has(m.group)) return false;
      if (m.group === 'faces' && faceModels) return faceModels.has(base(m.id));
      return true;
    })
    .map(({ group: _group, ...m }) => m);
}

export interface CameraLine {
  id: string;
  camera: Camera | null;
}

/** A camera as a report names it: "Gate A (gate-a)", or the id alone. */
export function cameraLabel(id: string, camera: Pick<Camera, 'name'> | null | undefined): string {
  return camera && camera.name !== id ? `${camera.name} (${id})` : id;
}

/** A register entry's place and clock in words, for the Cameras table. */
export function cameraFacts(c: CameraLine): Array<[string, string]> {
  if (!c.camera)
    return [[c.id, 'not in the camera register: no name, place, time zone or clock offset known']];
  const k = c.camera;
  return [
    [
      cameraLabel(c.id, k),
      `${k.lat.toFixed(5)}, ${k.lon.toFixed(5)}; time zone ${k.timezone}; clock offset ${
        k.clockOffset === 0
          ? '0 s (none measured)'
          : `${k.clockOffset > 0 ? '+' : ''}${k.clockOffset} s (its clock runs ${k.clockOffset > 0 ? 'ahead' : 'behind'}; subtracted from its times)`
      }${k.tags.length > 0 ? `; tags ${k.tags.join(', ')}` : ''}`,
    ],
  ];
}

/** A boundary sighting in words. */
export function boundaryWords(b: string): string {
  return b === 'entered'
    ? 'entered (at a boundary camera)'
    : b === 'left'
      ? 'left (at a boundary camera)'
      : 'at a boundary camera; whether entering or leaving is not known';
}

/** A trail leg in words, for the Trail table. */
export function legWords(l: TrailLeg, i: number, name: (id: string) => string): string[] {
  return [
    String(i + 1),
    name(l.fromCamera),
    name(l.toCamera),
    `${l.leftAt} → ${l.arrivedAt}`,
    l.distanceKm === null ? '? (camera not placed)' : `${l.distanceKm.toFixed(1)} km`,
    `${(l.seconds / 60).toFixed(1)} min`,
    l.speedKmh === null ? (l.distanceKm ? '∞' : '?') : `${Math.round(l.speedKmh)} km/h`,
    l.implausible ? `IMPLAUSIBLE: ${l.reason ?? ''}` : 'plausible',
  ];
}

export const TRAIL_NOTE =
  "Legs join consecutive sightings at different cameras, in time order. Distances are straight lines between the cameras' register coordinates, not the road travelled, so the implied speed is a lower bound of the real one; a leg faster than the plausible speed (or two places at once) means the sightings cannot all be one subject: a misidentification, a cloned plate or a wrong camera clock. The map is drawn from the coordinates alone (no map data).";

export const LIMITATIONS = [
  'Automated matches are investigative leads, not identifications. A face match means two images are numerically similar under the model named in the Method section; a plate match means an OCR reading fits a pattern. Neither establishes who a person is or which vehicle was present.',
  'Every sighting in this report must be reviewed by a person against its clean evidence frame (and, where needed, the original footage) before it is relied upon. Lighting, angle, resolution, compression, occlusion and look-alikes cause false matches; a person or vehicle that is present may also be missed.',
  'Scores are model similarities, not probabilities. They are comparable only with the threshold of the same model and settings.',
  'Wall-clock times come from file metadata, file names or an examiner-supplied start time (see each source). A camera clock offset given in the camera register (see Cameras) is subtracted from the times of sources indexed after it was registered; other camera clocks may be wrong and were not corrected.',
];

export const NOT_MEASURED =
  'Error rates (false match and missed match rates) of this configuration were not measured for this export: no docs/accuracy.md was present.';

/** Flattens settings into sorted "a.b.c" → value lines. */
export function flattenSettings(
  value: unknown,
  prefix = '',
  out: Array<[string, string]> = [],
): Array<[string, string]> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value as object).sort()) {
      flattenSettings((value as Record<string, unknown>)[key], prefix ? `${prefix}.${key}` : key, out);
    }
  } else if (prefix) {
    out.push([prefix, typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined')]);
  }
  return out;
}

export function statusLabel(s: SourceStatus): string {
  return s === 'intact' ? 'match' : s === 'altered' ? 'ALTERED' : 'MISSING';
}
