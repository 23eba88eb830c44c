import { type Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { plainText } from '../core/escape.js';
import { parseWindowTime, type WindowTime } from '../core/time.js';
import type { SearchDocument, SearchResult } from '../core/types.js';
import { InputError, UsageError } from '../errors.js';
import { storeLocation } from '../store/location.js';
import { parseSearchDocumentText } from '../export/schema.js';
import type { SightingFilter } from '../store/filter.js';

export const DEFAULT_STORE = './sightline-store';

export function storeOption(): Option {
  return new Option('--store <dir>', 'the LanceDB store: a folder, or s3://bucket/path (AWS_* variables)')
    .env('SIGHTLINE_STORE')
    .default(DEFAULT_STORE);
}

export function jsonOption(): Option {
  return new Option('--json', 'machine-readable output on stdout');
}

export function storePath(dir: string | undefined): string {
  return storeLocation(dir ?? process.env.SIGHTLINE_STORE ?? DEFAULT_STORE);
}

/** --max-speed <km/h> (default 200): the fastest a subject can plausibly move between cameras. */
export function maxSpeedOption(description: string): Option {
  return new Option('--max-speed <km/h>', description).default('200');
}

/** The --max-speed value; exit 2 when it is not a positive speed. */
export function parseMaxSpeed(value: string): number {
  const v = Number(value);
  if (!Number.isFinite(v) || v <= 0)
    throw new UsageError(`--max-speed ${value} is not a speed in km/h: e.g. --max-speed 200`);
  return v;
}

/** Adds --from / --to / --camera to a command: every search takes them (see the CLI contract). */
export function addWindowOptions(cmd: Command): Command {
  for (const o of windowOptions()) cmd.addOption(o);
  return cmd;
}

function windowOptions(): Option[] {
  return [
    new Option(
      '--from <time>',
      "sightings overlapping a window from this time: ISO 8601; without a zone ('2026-03-01 14:05') read in each camera's zone",
    ),
    new Option('--to <time>', 'sightings overlapping a window up to this time (as --from)'),
    new Option('--camera <ids>', "only these cameras, comma-separated (e.g. 'gate-a,gate-c')"),
  ];
}

export interface WindowOpts {
  from?: string;
  to?: string;
  camera?: string;
}

/** The search filter of --from / --to / --camera, or undefined; a bad value is exit 2. */
export function parseWindow(opts: WindowOpts): SightingFilter | undefined {
  const time = (name: string, v: string | undefined): WindowTime | undefined => {
    if (v === undefined) return undefined;
    const t = parseWindowTime(v);
    if (!t)
      throw new UsageError(
        `${name} ${v} is not a time: use ISO 8601, e.g. '2026-03-01 14:05' or 2026-03-01T09:05:00Z`,
      );
    return t;
  };
  const from = time('--from', opts.from);
  const to = time('--to', opts.to);
  const cameras = opts.camera
    ?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (opts.camera !== undefined && (!cameras || cameras.length === 0))
    throw new UsageError(`--camera ${opts.camera} names no camera: give ids, e.g. --camera gate-a,gate-b`);
  if (from && to && from.kind === to.kind && from.ms > to.ms)
    throw new UsageError(`--from ${opts.from} is after --to ${opts.to}: swap them`);
  if (!from && !to && !cameras) return undefined;
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(cameras ? { cameras } : {}) };
}

/** How a search document records its window. */
export function windowQuery(opts: WindowOpts): Record<string, unknown> {
  return {
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.to !== undefined ? { to: opts.to } : {}),
    ...(opts.camera !== undefined ? { cameras: parseWindow(opts)?.cameras ?? [] } : {}),
  };
}

/**
 * The store a results file is read against: --store (or SIGHTLINE_STORE) when given, else the
 * store the search recorded in `query.store`, else ./sightline-store.
 */
export function resultsStore(given: string | undefined, doc: { query: Record<string, unknown> }): string {
  if (given !== undefined) return given;
  const recorded = doc.query.store;
  return typeof recorded === 'string' && recorded.length > 0 ? recorded : './sightline-store';
}

/** A results file as `search … --json` (or `trail --json`) wrote it; one clear line when it is not. */
export async function readResults(path: string): Promise<SearchDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(
      `cannot read ${plainText(path)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}; give the file 'sightline search … --json' wrote`,
    );
  }
  return parseSearchDocumentText(text, plainText(path));
}

/** A result's subject: the person's label or the plate pattern it answers. */
export const subjectOf = (r: SearchResult): string => (r as { label?: string }).label ?? r.pattern ?? '';

/**
 * The sightings of one subject of a results file: `subject` names it (a pattern or a label), and
 * must when the file holds several.
 */
export function subjectResults(
  doc: SearchDocument,
  subject: string | undefined,
  path: string,
): SearchResult[] {
  const subjects = [...new Set(doc.results.map(subjectOf))];
  if (subject !== undefined) {
    const results = doc.results.filter((r) => subjectOf(r) === subject || r.pattern === subject);
    if (results.length === 0)
      throw new UsageError(
        `no sighting of ${subject} in ${plainText(path)}: subjects are ${subjects.join(', ')}`,
      );
    return results;
  }
  if (subjects.length > 1)
    throw new UsageError(
      `${plainText(path)} holds ${subjects.length} subjects (${subjects.slice(0, 5).join(', ')}${subjects.length > 5 ? ', …' : ''}): choose one with --subject`,
    );
  return doc.results;
}

/** `--store` of a command that reads a results file: the store it was searched in by default. */
export function resultsStoreOption(use: string): Option {
  return new Option(
    '--store <dir>',
    `the store (default: the one the results file was searched in)${use}`,
  ).env('SIGHTLINE_STORE');
}
