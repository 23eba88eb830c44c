import { type Command, Option } from 'commander';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { SearchDocument } from '../core/types.js';
import { InputError, UsageError } from '../errors.js';
import { AuditLog } from '../infra/audit-log.js';
import { sha256Buffer } from '../infra/hash.js';
import { DEFAULT_RECOGNIZER_ID, faceCalibration } from '../ml/face/calibration.js';
import { findRecurring, type RecurringOutcome } from '../search/recurring.js';
import { placeResults } from '../search/results.js';
import { Store } from '../store/store.js';
import {
  addWindowOptions,
  parseWindow,
  storeOption,
  storePath,
  windowQuery,
  type WindowOpts,
} from './common.js';
import { c, safeText, table } from './output.js';

interface RecurringCliOpts extends WindowOpts {
  store: string;
  minTracks: string;
  minCameras: string;
  threshold?: string;
  limit: string;
  thumbs?: string;
  json?: boolean;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} ${v} is not a positive whole number`);
  return n;
}

/** `sightline search recurring`: persons seen in several tracks or cameras, no photo needed. */
export function registerRecurring(search: Command): void {
  addWindowOptions(search.command('recurring'))
    .description('list unknown persons seen in several sightings or cameras (clusters every face track)')
    .addOption(storeOption())
    .addOption(new Option('--min-tracks <n>', 'sightings a person needs to be listed').default('2'))
    .addOption(new Option('--min-cameras <n>', 'distinct cameras a person needs to be listed').default('1'))
    .addOption(
      new Option(
        '--threshold <x>',
        "track-vs-track similarity for sightings to be one person (default: the store's recogniser's calibrated one)",
      ),
    )
    .addOption(new Option('--limit <n>', 'most persons listed').default('50'))
    .addOption(new Option('--thumbs <dir>', 'write each sighting’s best face thumbnail as a JPEG here'))
    .addOption(new Option('--json', 'one JSON document on stdout (input for `sightline export`)'))
    .addHelpText(
      'after',
      `
Examples:
  sightline search recurring --min-cameras 2
  sightline search recurring --json > recurring.json && sightline export recurring.json --out case-1
  sightline search recurring --thumbs faces/`,
    )
    .action(async (opts: RecurringCliOpts) => {
      await recurringAction(opts);
    });
}

async function recurringAction(opts: RecurringCliOpts): Promise<void> {
  const minTracks = positiveInt('--min-tracks', opts.minTracks);
  const minCameras = positiveInt('--min-cameras', opts.minCameras);
  const limit = positiveInt('--limit', opts.limit);
  const window = parseWindow(opts);
  const given = opts.threshold === undefined ? undefined : Number(opts.threshold);
  if (given !== undefined && (!Number.isFinite(given) || given < -1 || given > 1)) {
    throw new UsageError(
      `--threshold ${opts.threshold} is not a similarity between -1 and 1: e.g. --threshold 0.7`,
    );
  }
  let thumbsDir: string | undefined;
  if (opts.thumbs !== undefined) {
    thumbsDir = resolve(opts.thumbs);
    const existing = await readdir(thumbsDir).catch(() => null);
    if (existing && existing.length > 0)
      throw new InputError(`--thumbs ${opts.thumbs} is not empty: give a new or empty folder`);
  }
  const store = await Store.open(storePath(opts.store), { create: false });
  // each recogniser's scores have their own scale: the default is the store's recogniser's
  const threshold = given ?? faceCalibration((await store.faceModelId()) ?? DEFAULT_RECOGNIZER_ID).cluster;
  let outcome: RecurringOutcome;
  let doc: SearchDocument;
  try {
    outcome = await findRecurring(store, {
      threshold,
      minTracks,
      minCameras,
      limit,
      ...(window ? { window } : {}),
    });
    doc = {
      query: {
        kind: 'recurring',
        threshold,
        minTracks,
        minCameras,
        limit,
        ...windowQuery(opts),
        linkage: 'average',
        similarity: 'track vs track: mean of the 3 best cross-pairs of their 5 best faces',
        tracksConsidered: outcome.tracksConsidered,
        persons: outcome.persons.map((p) => ({
          label: p.label,
          tracks: p.tracks,
          cameras: p.cameras,
          cohesion: p.cohesion,
        })),
        store: store.dir,
        time: new Date().toISOString(),
      },
      results: placeResults(outcome.results, await store.cameraMap()),
    };
    await AuditLog.forStore(store.dir).append('search', {
      query: doc.query,
      results: doc.results.length,
      resultsSha256: sha256Buffer(JSON.stringify(doc.results)),
    });
  } finally {
    store.close();
  }
  if (thumbsDir) await writeThumbs(thumbsDir, outcome);
  if (opts.json) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  else printPersons(outcome, thumbsDir);
}

function thumbName(r: { camera: string; startOffset: number; trackId?: string }): string {
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${safe(r.camera)}_${r.startOffset.toFixed(1)}s_${safe(r.trackId ?? 'track')}.jpg`;
}

async function writeThumbs(dir: string, outcome: RecurringOutcome): Promise<void> {
  for (const p of outcome.persons) {
    const pdir = join(dir, p.label);
    await mkdir(pdir, { recursive: true });
    for (const r of p.results) {
      const thumb = r.trackId ? outcome.tracks.get(r.trackId)?.thumb : null;
      if (thumb && thumb.length > 0) await writeFile(join(pdir, thumbName(r)), thumb);
    }
  }
}

function printPersons(outcome: RecurringOutcome, thumbsDir?: string): void {
  if (outcome.persons.length === 0) {
    process.stdout.write(`no recurring person found among ${outcome.tracksConsidered} face sightings\n`);
    return;
  }
  process.stdout.write(
    `${outcome.persons.length} recurring person(s) among ${outcome.tracksConsidered} face sightings\n`,
  );
  for (const p of outcome.persons) {
    process.stdout.write(
      `\n${c.bold(p.label)}: ${p.tracks} sightings, ${p.cameras.length} camera(s) (${p.cameras.map(safeText).join(', ')}), cohesion ${p.cohesion.toFixed(3)}\n`,
    );
    const rows = p.results.map((r) => [
      safeText(r.camera),
      r.startTime ? r.startTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : `+${r.startOffset.toFixed(1)}s`,
      `${(r.endOffset - r.startOffset).toFixed(1)}s`,
      r.score.toFixed(3),
      safeText(basename(r.source.path)),
      ...(thumbsDir ? [safeText(join(p.label, thumbName(r)))] : []),
    ]);
    const headers = ['camera', 'time', 'length', 'fit', 'file', ...(thumbsDir ? ['thumbnail'] : [])];
    process.stdout.write(table(headers, rows) + '\n');
  }
}
