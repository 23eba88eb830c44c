import type { SearchDocument } from '../core/types.js';
import type { SourceStatus, TimelineEntry } from './timeline.js';

export interface ModelRecord {
  id: string;
  package: string;
  file: string;
  sha256: string;
  /** Licence and what is known (or not) of where the weights come from. */
  provenance?: string;
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
  images: Map<number, { annotated: Buffer; crop: Buffer }>;
  sources: SourceCheck[];
  /** Contents of docs/accuracy.md at export time, or null when error rates were not measured. */
  accuracy: string | null;
  problems: string[];
}

export const LIMITATIONS = [
  'Automated matches are investigative leads, not identifications. A face match means two images are numerically similar under the model named in the Method section; a plate match means an OCR reading fits a pattern. Neither establishes who a person is or which vehicle was present.',
  'Every sighting in this report must be reviewed by a person against its clean evidence frame (and, where needed, the original footage) before it is relied upon. Lighting, angle, resolution, compression, occlusion and look-alikes cause false matches; a person or vehicle that is present may also be missed.',
  'Scores are model similarities, not probabilities. They are comparable only with the threshold of the same model and settings.',
  'Wall-clock times come from file metadata, file names or an examiner-supplied start time (see each source); camera clocks may be wrong and were not corrected.',
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

/** Query lines for display; photos are listed with their sha256. */
export function queryLines(query: SearchDocument['query']): Array<[string, string]> {
  return flattenSettings(query);
}

export function statusLabel(s: SourceStatus): string {
  return s === 'intact' ? 'match' : s === 'altered' ? 'ALTERED' : 'MISSING';
}
