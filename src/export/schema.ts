import { z } from 'zod';
import type { SearchDocument } from '../core/types.js';
import { InputError } from '../errors.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');

const result = z.object({
  kind: z.enum(['face', 'plate']),
  pattern: z.string().optional(),
  camera: z.string().min(1),
  source: z.object({ path: z.string().min(1), sha256 }),
  startOffset: finite,
  endOffset: finite,
  startTime: z.string().nullable(),
  endTime: z.string().nullable(),
  score: finite,
  text: z.string().optional(),
  trackId: z.string().optional(),
  evidence: z.object({
    offset: finite,
    box: z.tuple([finite, finite, finite, finite]),
    frame: z.number().int().nonnegative().optional(),
    pts: finite.optional(),
  }),
  strength: z.object({ band: z.string(), falseMatchRate: finite, statement: z.string() }).optional(),
  vehicle: z
    .object({
      type: z.string(),
      colour: z.string().nullable(),
      confidence: finite,
      colourConfidence: finite.optional(),
    })
    .optional(),
  place: z.object({ name: z.string(), lat: finite, lon: finite }).optional(),
  review: z
    .object({ decision: z.enum(['accepted', 'rejected', 'unreviewed']), note: z.string().optional() })
    .optional(),
  boundary: z.enum(['entered', 'left', 'unknown']).optional(),
});

// JSON has no Infinity: a leg in no time over some distance is written as null speed
const leg = z.looseObject({
  fromCamera: z.string().min(1),
  toCamera: z.string().min(1),
  leftAt: z.string(),
  arrivedAt: z.string(),
  distanceKm: finite.nullable(),
  seconds: finite,
  speedKmh: finite.nullable(),
  implausible: z.boolean(),
  reason: z.string().optional(),
});

const document = z.object({
  query: z.looseObject({ kind: z.enum(['face', 'plate', 'recurring']) }),
  results: z.array(result),
  legs: z.array(leg).optional(),
  review: z
    .object({
      examiner: z.string().min(1),
      reviewedAt: z.string(),
      resultsFile: z.object({ path: z.string(), sha256 }),
      accepted: z.number().int().nonnegative(),
      rejected: z.number().int().nonnegative(),
      unreviewed: z.number().int().nonnegative(),
    })
    .optional(),
});

/**
 * Checks that a parsed results.json is what `search … --json` writes. A hand-edited or foreign
 * file is an InputError with one line naming the first bad key path.
 */
export function parseSearchDocument(value: unknown, name = 'results file'): SearchDocument {
  const parsed = document.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    throw new InputError(
      `${name} is not a 'sightline search --json' result: ${where}: ${issue?.message ?? 'invalid'}; export a file written by 'sightline search … --json'`,
    );
  }
  return parsed.data as SearchDocument;
}

/** Parses JSON text, then the shape. */
export function parseSearchDocumentText(text: string, name = 'results file'): SearchDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(
      `${name} is not JSON (${(err as Error).message}); export a file written by 'sightline search … --json'`,
    );
  }
  return parseSearchDocument(value, name);
}
