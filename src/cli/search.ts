import { type Command, Option } from 'commander';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import sharp from 'sharp';
import { normalisePattern } from '../core/plate.js';
import { COLOUR_NAMES, VEHICLE_TYPES } from '../core/vehicle.js';
import type { SearchDocument, SearchResult } from '../core/types.js';
import { errorMessage, InputError, PartialFailure, UsageError } from '../errors.js';
import { AuditLog } from '../infra/audit-log.js';
import { sha256Buffer } from '../infra/hash.js';
import { createFaceAnalyzer, type FaceAnalyzer } from '../ml/face/index.js';
import {
  DEFAULT_RECOGNIZER_ID,
  faceCalibration,
  queryCondition,
  recognizerOf,
  type QueryCondition,
} from '../ml/face/calibration.js';
import { fuseQuery, pickFace, searchFaces } from '../search/faces.js';
import { parseWatchlist, searchPlates, type PlatePattern } from '../search/plates.js';
import { placeResults } from '../search/results.js';
import { Store } from '../store/store.js';
import { validatePattern } from '../track/plates.js';
import {
  addWindowOptions,
  parseWindow,
  storeOption,
  storePath,
  windowQuery,
  type WindowOpts,
} from './common.js';
import { registerRecurring } from './recurring.js';
import { c, safeText, table } from './output.js';

interface CommonOpts extends WindowOpts {
  store: string;
  limit: string;
  json?: boolean;
}

/** Photos larger than this are refused before decoding: a decompression bomb must not take the machine. */
export const MAX_PHOTO_BYTES = 64 * 1024 * 1024;
/** Decoded size limit: a small file can hold a huge image (a decompression bomb); 50 Mpx is ample for a photo. */
export const MAX_PHOTO_PIXELS = 50_000_000;
const PHOTO_EXT = /\.(jpe?g|png|webp|tiff?|bmp|gif|avif|heic)$/i;

function parseLimit(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--limit ${v} is not a positive whole number: e.g. --limit 20`);
  return n;
}

export function registerSearch(program: Command): void {
  const search = program.command('search').description('find a person by photo, or a vehicle by plate');

  addWindowOptions(search.command('face'))
    .description('find every sighting of a person, from one or more photos of them')
    .argument('[photo...]', 'photos of the same person (fused into one query)')
    .addOption(new Option('--watchlist <dir>', 'instead of photos: one sub-folder of photos per person'))
    .addOption(storeOption())
    .addOption(new Option('--limit <n>', 'most sightings (per person with --watchlist)').default('50'))
    .addOption(
      new Option(
        '--threshold <x>',
        `similarity a sighting must reach (default: calibrated per recogniser and query; MobileFaceNet: ${faceCalibration(DEFAULT_RECOGNIZER_ID).photo.search} for a photo, ${faceCalibration(DEFAULT_RECOGNIZER_ID).cctv.search} for a CCTV-like crop)`,
      ),
    )
    .addOption(new Option('--face <n>', 'use the n-th largest face of each photo').default('1'))
    .addOption(new Option('--json', 'one JSON document on stdout (input for `sightline export`)'))
    .addHelpText(
      'after',
      `
Examples:
  sightline search face suspect.jpg suspect2.jpg --json > results.json
  sightline search face --watchlist offenders/ --threshold 0.6

Each sighting's score is the mean similarity of its three best faces to the query; its strength
says how often different people scored as high on CCTV-like faces (docs/accuracy-faces.md).`,
    )
    .action(
      async (
        photos: string[],
        opts: CommonOpts & { watchlist?: string; threshold?: string; face: string },
      ) => {
        await faceAction(photos, opts);
      },
    );

  addWindowOptions(search.command('plate'))
    .description("find vehicles by full or partial plate: '?' one character, '*' any run")
    .argument('[pattern...]', 'plate patterns, e.g. LE21ABC, LE2*, ?E21A?C')
    .addOption(new Option('--watchlist <file>', "instead of patterns: one pattern a line, optional ',label'"))
    .addOption(new Option('--exact', 'no OCR tolerance'))
    .addOption(new Option('--vehicle <type>', 'only vehicles seen as this type').choices([...VEHICLE_TYPES]))
    .addOption(new Option('--colour <name>', 'only vehicles seen in this colour').choices([...COLOUR_NAMES]))
    .addOption(storeOption())
    .addOption(new Option('--limit <n>', 'most sightings per pattern').default('50'))
    .addOption(new Option('--json', 'one JSON document on stdout (input for `sightline export`)'))
    .addHelpText(
      'after',
      `
Examples:
  sightline search plate LE21ABC
  sightline search plate 'LE*' --json > results.json
  sightline search plate --watchlist wanted.txt
  sightline search plate 'LE2*' --vehicle motorcycle --colour red

Vehicle type and colour come from a COCO vehicle detector (car, motorcycle, bus, truck; vans are
seen as car or truck) and the body's pixels; a sighting whose vehicle was not seen has neither
and is left out by --vehicle and --colour.`,
    )
    .action(async (patterns: string[], opts: PlateOpts) => {
      await plateAction(patterns, opts);
    });

  registerRecurring(search);
}

async function readPhoto(path: string): Promise<Buffer> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new InputError(`photo ${path} does not exist: check the path`);
  }
  if (!st.isFile()) throw new InputError(`photo ${path} is not a file`);
  if (st.size === 0) throw new InputError(`photo ${path} is empty`);
  if (st.size > MAX_PHOTO_BYTES) throw new InputError(`photo ${path} is over 64 MB: use a smaller copy`);
  const buf = await readFile(path);
  // Only the header is read here; nothing is decoded until the size is known to be safe.
  let meta;
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new InputError(`photo ${path} cannot be read as an image (${errorMessage(e)}): use a JPEG or PNG`);
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0) * Math.max(1, meta.pages ?? 1);
  if (!meta.width || !meta.height)
    throw new InputError(`photo ${path} has no image size in its header: use a JPEG or PNG`);
  if (pixels > MAX_PHOTO_PIXELS) {
    throw new InputError(
      `photo ${path} is ${meta.width}x${meta.height} pixels, over the ${MAX_PHOTO_PIXELS / 1e6} Mpx limit: use a smaller copy`,
    );
  }
  return buf;
}

interface PhotoFace {
  path: string;
  sha256: string;
  descriptor: Float32Array;
  faces: number;
  /** The face's box height in the photo and its recogniser vector length: its condition. */
  height: number;
  norm: number | undefined;
}

async function facesOfPhoto(analyzer: FaceAnalyzer, path: string, n: number): Promise<PhotoFace> {
  const buf = await readPhoto(path);
  let faces;
  try {
    faces = await analyzer.analyzeImage(buf);
  } catch (e) {
    throw new InputError(`photo ${path} cannot be read as an image (${errorMessage(e)}): use a JPEG or PNG`);
  }
  const face = pickFace(faces, n);
  if (!face) {
    throw new InputError(
      faces.length === 0
        ? `no face found in ${path}: use a photo where the face is visible and at least 40 px high`
        : `${path} has ${faces.length} face(s), --face ${n} asks for more`,
    );
  }
  return {
    path,
    sha256: sha256Buffer(buf),
    descriptor: face.descriptor,
    faces: faces.length,
    height: face.box[3],
    norm: face.embeddingNorm,
  };
}

async function faceAction(
  photos: string[],
  opts: CommonOpts & { watchlist?: string; threshold?: string; face: string },
): Promise<void> {
  const limit = parseLimit(opts.limit);
  const window = parseWindow(opts);
  const given = opts.threshold === undefined ? undefined : Number(opts.threshold);
  if (given !== undefined && (!Number.isFinite(given) || given < -1 || given > 1)) {
    throw new UsageError(
      `--threshold ${opts.threshold} is not a similarity between -1 and 1: e.g. --threshold 0.55`,
    );
  }
  const faceN = Number(opts.face);
  if (!Number.isInteger(faceN) || faceN < 1)
    throw new UsageError(`--face ${opts.face} is not a positive whole number`);
  if (opts.watchlist && photos.length > 0) throw new UsageError('give photos or --watchlist, not both');
  if (!opts.watchlist && photos.length === 0)
    throw new UsageError('give at least one photo, or --watchlist <dir>');

  // People to look for: one person from the photos, or one per watchlist sub-folder.
  const people = opts.watchlist ? await readFaceWatchlist(opts.watchlist) : [{ photos }];

  // Photos given directly are checked before the store and the models are opened: a bad one fails fast.
  if (!opts.watchlist) for (const p of photos) await readPhoto(p);
  const store = await Store.open(storePath(opts.store), { create: false });
  // the query is described by the recogniser that described the store's faces
  const storeModel = await store.faceModelId();
  const analyzer = await createFaceAnalyzer({ recognizerId: recognizerOf(storeModel) });
  const results: SearchResult[] = [];
  let described: FaceQueries;
  try {
    described = await faceQueries(analyzer, people, { faceN, given, strict: !opts.watchlist });
    for (const q of described.queries)
      results.push(
        ...(await searchFaces(
          store,
          { vector: q.vector, ...(q.label ? { label: q.label } : {}) },
          { threshold: q.threshold, limit, calibration: q.calibration, ...(window ? { window } : {}) },
        )),
      );
  } finally {
    analyzer.dispose();
  }
  const { queryPhotos, problems } = described;
  const thresholds = new Set(described.queries.map((q) => q.threshold));
  const conditions = new Set(described.queries.map((q) => q.condition));
  const doc: SearchDocument = {
    query: {
      kind: 'face',
      photos: queryPhotos,
      ...(opts.watchlist ? { watchlist: resolve(opts.watchlist) } : {}),
      threshold: thresholds.size === 1 ? [...thresholds][0] : [...thresholds],
      condition: conditions.size === 1 ? [...conditions][0] : [...conditions],
      limit,
      ...windowQuery(opts),
      model: analyzer.modelId,
      store: store.dir,
      time: new Date().toISOString(),
    },
    results,
  };
  await finish(store, doc, Boolean(opts.json), problems);
}

type PlateOpts = CommonOpts & { watchlist?: string; exact?: boolean; vehicle?: string; colour?: string };

async function plateAction(patterns: string[], opts: PlateOpts): Promise<void> {
  const limit = parseLimit(opts.limit);
  if (opts.watchlist && patterns.length > 0) throw new UsageError('give patterns or --watchlist, not both');
  let list: PlatePattern[];
  if (opts.watchlist) list = await readPlateWatchlist(opts.watchlist);
  else {
    if (patterns.length === 0)
      throw new UsageError("give at least one plate pattern, e.g. LE21ABC or 'LE2*'");
    list = patterns.map((pattern) => ({ pattern }));
    for (const p of list) validatePattern(p.pattern);
  }
  const store = await Store.open(storePath(opts.store), { create: false });
  const window = parseWindow(opts);
  const results = await searchPlates(store, list, {
    exact: Boolean(opts.exact),
    limit,
    ...(window ? { window } : {}),
    ...(opts.vehicle ? { vehicle: opts.vehicle } : {}),
    ...(opts.colour ? { colour: opts.colour } : {}),
  });
  const doc: SearchDocument = {
    query: {
      kind: 'plate',
      patterns: list.map((p) => ({
        pattern: normalisePattern(p.pattern),
        ...(p.label ? { label: p.label } : {}),
      })),
      ...(opts.watchlist ? { watchlist: resolve(opts.watchlist) } : {}),
      exact: Boolean(opts.exact),
      ...(opts.vehicle ? { vehicle: opts.vehicle } : {}),
      ...(opts.colour ? { colour: opts.colour } : {}),
      ...windowQuery(opts),
      limit,
      store: store.dir,
      time: new Date().toISOString(),
    },
    results,
  };
  await finish(store, doc, Boolean(opts.json), []);
}

async function finish(store: Store, doc: SearchDocument, json: boolean, problems: string[]): Promise<void> {
  try {
    doc.results = placeResults(doc.results, await store.cameraMap());
    await AuditLog.forStore(store.dir).append('search', {
      query: doc.query,
      results: doc.results.length,
      resultsSha256: sha256Buffer(JSON.stringify(doc.results)),
    });
  } finally {
    store.close();
  }
  if (json) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  else printResults(doc.results);
  for (const p of problems) process.stderr.write(c.yellow(`warning: ${safeText(p)}\n`));
  if (problems.length > 0) throw new PartialFailure(`${problems.length} query input(s) could not be used`);
}

/** A match's false-match rate as '<1/580' (none of 580 measured as high) or '~1/300'. */
function fmr(st: NonNullable<SearchResult['strength']>): string {
  const n = st.falseMatchRate > 0 ? Math.round(1 / st.falseMatchRate).toLocaleString('en-GB') : '∞';
  return `${/below 1 in/.test(st.statement) ? '<' : '~'}1/${n}`;
}

/** "red car (0.62)": colour, type and the type's confidence. */
export function vehicleText(v: NonNullable<SearchResult['vehicle']>): string {
  return `${v.colour ? `${v.colour} ` : ''}${v.type} (${v.confidence.toFixed(2)})`;
}

function printResults(results: SearchResult[]): void {
  if (results.length === 0) {
    process.stdout.write('no sightings found\n');
    return;
  }
  const rows = results.map((r) => [
    r.pattern !== undefined ? safeText(r.pattern) : '',
    safeText(r.camera),
    r.place && r.place.name !== r.camera ? safeText(r.place.name) : '',
    r.boundary ?? '',
    r.startTime
      ? `${r.startTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`
      : `+${r.startOffset.toFixed(1)}s`,
    `${(r.endOffset - r.startOffset).toFixed(1)}s`,
    r.score.toFixed(3),
    r.strength ? `${r.strength.band} (FMR ${fmr(r.strength)})` : '',
    r.text !== undefined ? safeText(r.text) : '',
    r.vehicle ? vehicleText(r.vehicle) : '',
    safeText(basename(r.source.path)),
  ]);
  const hasPattern = results.some((r) => r.pattern !== undefined);
  const hasText = results.some((r) => r.text !== undefined);
  const hasStrength = results.some((r) => r.strength !== undefined);
  const hasVehicle = results.some((r) => r.vehicle !== undefined);
  const hasName = results.some((r) => r.place && r.place.name !== r.camera);
  const hasBoundary = results.some((r) => r.boundary !== undefined);
  const headers = [
    'pattern',
    'camera',
    'name',
    'boundary',
    'time',
    'length',
    'score',
    'strength',
    'plate',
    'vehicle',
    'file',
  ];
  const keep = headers.map((h) =>
    h === 'pattern'
      ? hasPattern
      : h === 'plate'
        ? hasText
        : h === 'strength'
          ? hasStrength
          : h === 'vehicle'
            ? hasVehicle
            : h === 'name'
              ? hasName
              : h === 'boundary'
                ? hasBoundary
                : true,
  );
  process.stdout.write(
    table(
      headers.filter((_, i) => keep[i]),
      rows.map((r) => r.filter((_, i) => keep[i])),
    ) + '\n',
  );
}

/** One sub-folder of photos a person, named by person. */
export async function readFaceWatchlist(
  watchlist: string,
): Promise<Array<{ label?: string; photos: string[] }>> {
  const dir = resolve(watchlist);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new InputError(
      `watchlist ${watchlist} is not a readable folder: give a folder with one sub-folder per person`,
    );
  }
  const people: Array<{ label?: string; photos: string[] }> = [];
  for (const e of entries
    .filter((x) => x.isDirectory() && !x.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const files = (await readdir(join(dir, e.name))).filter((f) => PHOTO_EXT.test(f)).sort();
    people.push({ label: e.name, photos: files.map((f) => join(dir, e.name, f)) });
  }
  if (people.length === 0) throw new InputError(`watchlist ${watchlist} has no sub-folders of photos`);
  return people;
}

export interface PersonQuery {
  label?: string;
  vector: Float32Array;
  threshold: number;
  condition: QueryCondition;
  calibration: ReturnType<typeof faceCalibration>[QueryCondition];
}

export interface FaceQueries {
  queries: PersonQuery[];
  queryPhotos: Array<{ path: string; sha256: string; person?: string }>;
  problems: string[];
}

/**
 * Each person's photos described and fused into one query, with the threshold of its condition
 * (`given` overrides). `strict`: a bad photo stops everything (photos given directly); else it
 * is reported and skipped (a watchlist).
 */
export async function faceQueries(
  analyzer: FaceAnalyzer,
  people: ReadonlyArray<{ label?: string; photos: string[] }>,
  opts: { faceN: number; given?: number; strict: boolean },
): Promise<FaceQueries> {
  const calibration = faceCalibration(analyzer.modelId);
  const out: FaceQueries = { queries: [], queryPhotos: [], problems: [] };
  for (const person of people) {
    const used: PhotoFace[] = [];
    for (const p of person.photos) {
      try {
        used.push(await facesOfPhoto(analyzer, p, opts.faceN));
      } catch (e) {
        if (opts.strict) throw e;
        out.problems.push(errorMessage(e));
      }
    }
    if (used.length === 0) {
      out.problems.push(`watchlist person ${person.label ?? '?'} has no usable photo`);
      continue;
    }
    for (const u of used)
      out.queryPhotos.push({
        path: u.path,
        sha256: u.sha256,
        ...(person.label ? { person: person.label } : {}),
      });
    // one CCTV-like photo makes the whole query CCTV-like: the stricter calibration applies
    const condition = used.some((u) => queryCondition(calibration, u) === 'cctv') ? 'cctv' : 'photo';
    out.queries.push({
      ...(person.label ? { label: person.label } : {}),
      vector: fuseQuery(used.map((u) => u.descriptor)),
      threshold: opts.given ?? calibration[condition].search,
      condition,
      calibration: calibration[condition],
    });
  }
  return out;
}

/** A plate watchlist file, read and checked: one `pattern[,label]` a line. */
export async function readPlateWatchlist(path: string): Promise<PlatePattern[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`watchlist ${path} cannot be read: give a text file with one pattern a line`);
  }
  const list = parseWatchlist(text);
  if (list.length === 0) throw new InputError(`watchlist ${path} holds no pattern`);
  for (const p of list) validatePattern(p.pattern);
  return list;
}
