import type { Schema } from 'apache-arrow';
import * as lancedb from '@lancedb/lancedb';
import { mkdirSync } from 'node:fs';
import { access, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import {
  camerasSchema,
  facesSchema,
  metaSchema,
  platesSchema,
  SCHEMA_VERSION,
  sourcesSchema,
  tracksSchema,
  type FaceRow,
  type PlateRow,
  type SourceRow,
  type TrackRow,
  type CameraRow,
  type AlertRow,
  alertsSchema,
} from './schema.js';
import type { Camera } from '../core/cameras.js';
import {
  decodePlateCatalogue,
  encodePlateCatalogue,
  PlateCatalogue,
  plateCatalogueMeta,
  type PlateTextColumns,
} from '../core/plate-catalogue.js';
import { filterPredicate, hasFilter, sqlString, type SightingFilter } from './filter.js';
import { isObjectStore, localStateDir, storageOptions } from './location.js';

export type { AlertRow, FaceRow, PlateRow, SourceRow, TrackRow } from './schema.js';

/** Above this many rows a table gets B-tree indexes on the columns rows are looked up by. */
export const SCALAR_INDEX_MIN_ROWS = 50_000;

const SCALAR_INDEXES: ReadonlyArray<[string, string]> = [
  ['tracks', 'id'],
  ['plates', 'track_id'],
  ['faces', 'track_id'],
];

/** Above this many face rows an ANN index pays; below it searches stay exact. */
export const ANN_INDEX_MIN_ROWS = 100_000;

const DETECTION_TABLES = ['faces', 'plates', 'tracks'] as const;

/** Columns every detection row shares (schema.ts DetectionRowBase): what searches read besides their own. */
const DETECTION_COLUMNS = [
  'id',
  'source_id',
  'source_sha256',
  'camera',
  'track_id',
  'offset',
  'pts',
  'sample',
  'time',
  'box_x',
  'box_y',
  'box_w',
  'box_h',
  'frame_w',
  'frame_h',
  'model_id',
];

const PLATE_COLUMNS = platesSchema.fields.map((f) => f.name);
const TRACK_COLUMNS = tracksSchema.fields.map((f) => f.name);

const crashHits = new Map<string, number>();

/**
 * Test hook for the crash matrix (docs/reliability.md): with SIGHTLINE_TEST_CRASH_AT=<point>[:<n>]
 * the process kills itself with SIGKILL the n-th time (default 1st) it reaches that point, so a
 * real `kill -9` lands exactly between two writes. Without the variable it does nothing.
 */
export function crashPoint(point: string): void {
  const spec = process.env.SIGHTLINE_TEST_CRASH_AT;
  if (!spec) return;
  const [name, nth] = spec.split(':');
  if (name !== point) return;
  const hits = (crashHits.get(point) ?? 0) + 1;
  crashHits.set(point, hits);
  if (hits === Number(nth ?? 1)) process.kill(process.pid, 'SIGKILL');
}

export { sqlString } from './filter.js';

export type { PlateTextColumns } from '../core/plate-catalogue.js';

/** The plate catalogue maintenance saves in the store's folder (an object store's: its local state folder). */
export const PLATE_CATALOGUE_FILE = 'plate-catalogue.bin';

/** The part of an Arrow table (LanceDB's copy of apache-arrow) a column scan reads. */
interface ArrowColumns {
  numRows: number;
  getChild(name: string): (Iterable<unknown> & { data: ArrowChunk[] }) | null;
}

interface ArrowChunk {
  length: number;
  offset: number;
  valueOffsets: Int32Array;
  values: Uint8Array;
  nullBitmap?: Uint8Array;
  nullCount: number;
}

/**
 * A string column decoded from its buffers (ids and plate texts are ASCII: Latin-1 slices decode
 * them exactly, several times faster than Arrow's per-value get, which counts at a million rows).
 */
function asciiColumn(table: ArrowColumns, name: string): Array<string | null> {
  const col = table.getChild(name);
  if (!col) return new Array<string | null>(table.numRows).fill(null);
  const out: Array<string | null> = [];
  for (const chunk of col.data) {
    const bytes = Buffer.from(chunk.values.buffer, chunk.values.byteOffset, chunk.values.byteLength);
    const offs = chunk.valueOffsets;
    const bitmap = chunk.nullCount > 0 ? chunk.nullBitmap : undefined;
    for (let i = 0; i < chunk.length; i++) {
      const k = chunk.offset + i;
      if (bitmap && ((bitmap[k >> 3] as number) & (1 << (k & 7))) === 0) out.push(null);
      else out.push(bytes.toString('latin1', offs[k] as number, offs[k + 1] as number));
    }
  }
  return out;
}

export interface StoreCounts {
  sources: number;
  incomplete: number;
  faces: number;
  plates: number;
  tracks: number;
  faceTracks: number;
  /** Face sightings with at least one identifiable face (the rest are heads seen, never matched). */
  identifiableFaceTracks: number;
  plateTracks: number;
  cameras: string[];
  durationSeconds: number;
}

/**
 * The LanceDB store: one folder, five tables (meta, sources, faces, plates, tracks).
 * A source's rows are visible as indexed only once its row says 'complete'; a source left
 * 'indexing' by a crash is purged by recover() before the next run writes.
 */
export class Store {
  private tables = new Map<string, lancedb.Table>();
  /** Zones and cameras for filter predicates; dropped by every write of sources or cameras. */
  private filterContext: Promise<{ zones: Map<string, string>; known: string[] }> | undefined;

  private constructor(
    readonly dir: string,
    private readonly db: lancedb.Connection,
  ) {}

  /**
   * Makes sure `dir` can hold a store before anything is written: a file, or a folder with other
   * content that is not a store (a footage folder, a home folder), is refused rather than filled.
   * A folder holding only a stale write.lock is a store whose first run was killed early.
   */
  static async prepareDir(dir: string): Promise<void> {
    // an object store has no folder to check: LanceDB makes its prefix on the first write
    if (isObjectStore(dir)) {
      localStateDir(dir);
      return;
    }
    const st = await stat(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      if (e.code === 'ENOTDIR') throw new InputError(`--store ${dir} lies under a file: give a folder path`);
      throw e;
    });
    if (!st) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOTDIR' || (e as NodeJS.ErrnoException).code === 'EEXIST')
          throw new InputError(`--store ${dir} lies under a file: give a folder path`);
        throw e;
      }
      return;
    }
    if (!st.isDirectory())
      throw new InputError(`--store ${dir} is a file, not a store folder: give a folder path`);
    const entries = await readdir(dir);
    const isStore = entries.some((e) => e === 'meta.lance' || e === 'write.lock');
    if (entries.length > 0 && !isStore) {
      throw new InputError(
        `--store ${dir} is a folder with other content, not a Sightline store: give a new or empty folder`,
      );
    }
  }

  /** Opens a store; `create` makes it when absent (index), otherwise a missing store is an InputError. */
  static async open(dir: string, opts: { create: boolean }): Promise<Store> {
    if (isObjectStore(dir)) {
      const db = await lancedb.connect(dir, { storageOptions: storageOptions() });
      const store = new Store(dir, db);
      await store.init(opts.create);
      return store;
    }
    const exists = await access(dir).then(
      () => true,
      () => false,
    );
    if (!exists) {
      if (!opts.create) {
        throw new InputError(`no store at ${dir}: run 'sightline index <footage> --store ${dir}' first`);
      }
      mkdirSync(dir, { recursive: true });
    } else if (!opts.create) {
      if (!(await stat(dir)).isDirectory())
        throw new InputError(
          `--store ${dir} is a file, not a Sightline store: point --store at the folder 'sightline index' made`,
        );
      const entries = await readdir(dir).catch(() => [] as string[]);
      if (!entries.some((e) => e.startsWith('meta'))) {
        throw new InputError(
          `${dir} is not a Sightline store: point --store at the folder 'sightline index' made`,
        );
      }
    }
    const db = await lancedb.connect(dir);
    const store = new Store(dir, db);
    await store.init(opts.create);
    return store;
  }

  private async init(create: boolean): Promise<void> {
    let meta = await this.openIfExists('meta');
    if (!meta) {
      if (!create) throw new InputError(`${this.dir} is not a Sightline store`);
      meta = await this.db.createEmptyTable('meta', metaSchema, { existOk: true });
      if ((await meta.countRows()) === 0) {
        await meta.add([
          { key: 'schema_version', value: String(SCHEMA_VERSION) },
          { key: 'created_at', value: new Date().toISOString() },
        ]);
      }
    }
    this.tables.set('meta', meta);
    let rows = (await meta.query().where(`key = 'schema_version'`).toArray()) as Array<{ value: string }>;
    if (rows.length === 0 && create && (await meta.countRows()) === 0) {
      // A first run killed between creating the meta table and filling it: finish the job.
      await meta.add([
        { key: 'schema_version', value: String(SCHEMA_VERSION) },
        { key: 'created_at', value: new Date().toISOString() },
      ]);
      rows = (await meta.query().where(`key = 'schema_version'`).toArray()) as Array<{ value: string }>;
    }
    const version = Number(rows[0]?.value);
    if (version !== SCHEMA_VERSION) {
      throw new InputError(
        `store ${this.dir} has schema version ${rows[0]?.value ?? 'unknown'}, this Sightline reads ${SCHEMA_VERSION}: index into a new --store`,
      );
    }
    if (create) {
      await this.ensure('sources', sourcesSchema);
      await this.ensure('plates', platesSchema);
      await this.ensure('tracks', tracksSchema);
    }
  }

  private async ensure(name: string, schema: Schema): Promise<lancedb.Table> {
    const hit = this.tables.get(name);
    if (hit) return hit;
    const table =
      (await this.openIfExists(name)) ?? (await this.db.createEmptyTable(name, schema, { existOk: true }));
    this.tables.set(name, table);
    return table;
  }

  /** A table when it exists, else undefined (a fresh store has no faces table until faces are written). */
  private async table(name: string): Promise<lancedb.Table | undefined> {
    const hit = this.tables.get(name);
    if (hit) return hit;
    const t = await this.openIfExists(name);
    if (t) this.tables.set(name, t);
    return t;
  }

  /**
   * The table opened, or undefined when there is none. An object store is asked by opening the
   * table (one read of its latest version) rather than by listing the prefix, which
   * S3-compatible services answer unevenly (s3rver lists no tables at all).
   */
  private async openIfExists(name: string): Promise<lancedb.Table | undefined> {
    if (!isObjectStore(this.dir)) {
      return (await this.db.tableNames()).includes(name) ? await this.db.openTable(name) : undefined;
    }
    try {
      return await this.db.openTable(name);
    } catch (e) {
      if (/not found|does not exist/i.test(String((e as Error).message))) return undefined;
      throw e;
    }
  }

  /** The source with this id (SourceRow.id). */
  async getSource(id: string): Promise<SourceRow | undefined> {
    const t = await this.table('sources');
    if (!t) return undefined;
    const rows = (await t
      .query()
      .where(`id = ${sqlString(id)}`)
      .toArray()) as SourceRow[];
    return rows.map(plainSource)[0];
  }

  /** Every source whose file has this content (copies at several paths are sources of their own). */
  async sourcesWithContent(sha256: string): Promise<SourceRow[]> {
    const t = await this.table('sources');
    if (!t) return [];
    const rows = (await t
      .query()
      .where(`sha256 = ${sqlString(sha256)}`)
      .toArray()) as SourceRow[];
    return rows.map(plainSource);
  }

  /**
   * A source's file was moved (its old path is gone, the same content is at `path`): the record
   * follows the file, its rows stay.
   */
  async moveSource(id: string, path: string, size: number, mtimeMs: number): Promise<void> {
    const t = await this.ensure('sources', sourcesSchema);
    await t.update({ where: `id = ${sqlString(id)}`, values: { path, size, mtime_ms: mtimeMs } });
  }

  async listSources(): Promise<SourceRow[]> {
    const t = await this.table('sources');
    if (!t) return [];
    return ((await t.query().toArray()) as SourceRow[]).map(plainSource);
  }

  /** A complete source at this path with this size and mtime: its content is taken as unchanged. */
  async findUnchanged(path: string, size: number, mtimeMs: number): Promise<SourceRow | undefined> {
    const t = await this.table('sources');
    if (!t) return undefined;
    const rows = (await t
      .query()
      .where(`path = ${sqlString(path)} AND status = 'complete'`)
      .toArray()) as SourceRow[];
    return rows.map(plainSource).find((r) => r.size === size && r.mtime_ms === mtimeMs);
  }

  /** Removes every row of a source: detections first, its sources row last (so a crash midway is redone). */
  async purgeSource(id: string): Promise<void> {
    this.filterContext = undefined;
    const where = `source_id = ${sqlString(id)}`;
    for (const name of DETECTION_TABLES) {
      const t = await this.table(name);
      if (t && (await t.countRows(where)) > 0) await t.delete(where);
      crashPoint(`purged-${name}`);
    }
    const sources = await this.table('sources');
    if (sources) await sources.delete(`id = ${sqlString(id)}`);
  }

  /** Purges sources a crashed run left half-written. Returns their paths. */
  async recover(): Promise<string[]> {
    const stale = (await this.listSources()).filter((s) => s.status !== 'complete');
    for (const s of stale) await this.purgeSource(s.id);
    return stale.map((s) => s.path);
  }

  async beginSource(row: SourceRow): Promise<void> {
    this.filterContext = undefined;
    await this.purgeSource(row.id);
    const t = await this.ensure('sources', sourcesSchema);
    await t.add([{ ...row, status: 'indexing' }]);
    crashPoint('source-begun');
  }

  async addFaces(rows: FaceRow[]): Promise<void> {
    if (rows.length === 0) return;
    const dims = rows[0]!.vector.length;
    const t = await this.ensure('faces', facesSchema(dims));
    await t.add(rows as unknown as Record<string, unknown>[]);
  }

  async addPlates(rows: PlateRow[]): Promise<void> {
    if (rows.length === 0) return;
    const t = await this.ensure('plates', platesSchema);
    await t.add(rows as unknown as Record<string, unknown>[]);
    crashPoint('plates-added');
  }

  async addTracks(rows: TrackRow[]): Promise<void> {
    if (rows.length === 0) return;
    const t = await this.ensure('tracks', tracksSchema);
    await t.add(rows as unknown as Record<string, unknown>[]);
  }

  /**
   * The one write that makes a source's rows count: a single atomic update of its status (and of
   * its duration, when the container did not state one and it was measured from the frames).
   */
  async completeSource(id: string, framesSampled: number, measuredDuration?: number): Promise<void> {
    crashPoint('before-complete');
    const t = await this.ensure('sources', sourcesSchema);
    await t.update({
      where: `id = ${sqlString(id)}`,
      values: {
        status: 'complete',
        frames_sampled: framesSampled,
        ...(measuredDuration !== undefined ? { duration: measuredDuration } : {}),
      },
    });
  }

  async counts(): Promise<StoreCounts> {
    const sources = await this.listSources();
    const complete = sources.filter((s) => s.status === 'complete');
    // Rows of a source a crash left half-written do not count (recover() removes them on the next index).
    const incomplete = sources.filter((s) => s.status !== 'complete').map((s) => sqlString(s.id));
    const count = async (name: string, filter?: string): Promise<number> => {
      const t = await this.table(name);
      if (!t) return 0;
      const all = await t.countRows(filter);
      if (incomplete.length === 0) return all;
      const orphan = `source_id IN (${incomplete.join(', ')})`;
      return all - (await t.countRows(filter ? `(${filter}) AND ${orphan}` : orphan));
    };
    return {
      sources: complete.length,
      incomplete: sources.length - complete.length,
      faces: await count('faces'),
      plates: await count('plates'),
      tracks: await count('tracks'),
      faceTracks: await count('tracks', `kind = 'face'`),
      identifiableFaceTracks: await count('tracks', `kind = 'face' AND usable > 0`),
      plateTracks: await count('tracks', `kind = 'plate'`),
      cameras: [...new Set(complete.map((s) => s.camera))].sort(),
      durationSeconds: complete.reduce((a, s) => a + s.duration, 0),
    };
  }

  /** Nearest face rows by cosine distance; exact unless an ANN index exists (then refined). */
  async nearestFaces(
    vector: Float32Array | number[],
    limit: number,
    filter?: SightingFilter,
  ): Promise<Array<FaceRow & { _distance: number }>> {
    const t = await this.table('faces');
    if (!t) return [];
    const window = await this.predicate(filter, { start: 'time', end: 'time' });
    const q = t
      .vectorSearch(Array.from(vector))
      .distanceType('cosine')
      .limit(limit)
      // exact distances for the rows returned, re-ranked from twice as many: at 1M faces (20
      // queries, scripts/eval-face-ann.ts) refining 10x, 5x, 2x or 1x found the same rows at or
      // above the threshold (99.8 %) and sightings (100 %) against the index bypassed; 2x took
      // 205 ms a query, 10x 779 ms
      .refineFactor(2)
      // only identifiable faces are ever scored: heads seen and turned faces are not
      .where(window ? `usable = 1 AND (${window})` : 'usable = 1')
      // naming _distance keeps LanceDB from warning on stderr that it adds it unasked
      .select([...DETECTION_COLUMNS, 'score', 'quality', 'size', '_distance']);
    return (await q.toArray()) as Array<FaceRow & { _distance: number }>;
  }

  /**
   * The face model id of the store's face rows (detector + verifier + recogniser), or undefined
   * when it holds no face: a query must be described by the same recogniser.
   */
  async faceModelId(): Promise<string | undefined> {
    const t = await this.table('faces');
    if (!t) return undefined;
    const rows = (await t.query().select(['model_id']).limit(1).toArray()) as Array<{ model_id: string }>;
    return rows[0]?.model_id;
  }

  /** The vectors of identifiable faces (usable = 1), with their track and quality. */
  async faceVectorsOfTracks(
    filter?: SightingFilter,
  ): Promise<Array<{ track_id: string; vector: number[]; quality: number }>> {
    const window = await this.predicate(filter, { start: 'time', end: 'time' });
    return this.usableFaceVectors(window ? [`(${window})`] : []);
  }

  /**
   * The identifiable faces of the window, a batch at a time (memory flat in store size): each
   * face's track, quality and vector (a view into the batch: copy what is kept).
   */
  async *streamFaceVectors(
    filter?: SightingFilter,
  ): AsyncGenerator<{ track_id: string; quality: number; vector: Float32Array }> {
    const t = await this.table('faces');
    if (!t) return;
    const window = await this.predicate(filter, { start: 'time', end: 'time' });
    const q = t
      .query()
      .where(window ? `usable = 1 AND (${window})` : 'usable = 1')
      .select(['track_id', 'quality', 'vector']);
    for await (const batch of q) {
      const ids = batch.getChild('track_id');
      const quality = batch.getChild('quality');
      const vectors = batch.getChild('vector');
      if (!ids || !quality || !vectors) continue;
      const flat = vectors.data[0]?.children[0]?.values as Float32Array | undefined;
      const dims = (vectors.type as { listSize: number }).listSize;
      const offset = vectors.data[0]?.offset ?? 0;
      for (let i = 0; i < batch.numRows; i++) {
        const vector = flat
          ? flat.subarray((offset + i) * dims, (offset + i + 1) * dims)
          : Float32Array.from(vectors.get(i) as ArrayLike<number>);
        yield { track_id: String(ids.get(i)), quality: Number(quality.get(i)), vector };
      }
    }
  }

  /** The usable face vectors of these tracks. */
  async faceVectorsOf(
    trackIds: readonly string[],
  ): Promise<Array<{ track_id: string; vector: number[]; quality: number }>> {
    const out: Array<{ track_id: string; vector: number[]; quality: number }> = [];
    for (let i = 0; i < trackIds.length; i += 500)
      out.push(
        ...(await this.usableFaceVectors([
          `track_id IN (${trackIds
            .slice(i, i + 500)
            .map(sqlString)
            .join(', ')})`,
        ])),
      );
    return out;
  }

  private async usableFaceVectors(
    where: string[],
  ): Promise<Array<{ track_id: string; vector: number[]; quality: number }>> {
    const t = await this.table('faces');
    if (!t) return [];
    const rows = (await t
      .query()
      .where(['usable = 1', ...where].join(' AND '))
      .select(['track_id', 'vector', 'quality'])
      .toArray()) as Array<{
      track_id: string;
      vector: ArrayLike<number>;
      quality: number;
    }>;
    return rows.map((r) => ({ track_id: r.track_id, vector: Array.from(r.vector), quality: r.quality }));
  }

  /** Plate readings (of these sources only, when given). */
  async plateRows(sources?: readonly string[]): Promise<PlateRow[]> {
    const t = await this.table('plates');
    if (!t) return [];
    const q = t.query().select([...DETECTION_COLUMNS, 'raw', 'text', 'confidence']);
    if (sources) q.where(`source_id IN (${sources.map(sqlString).join(', ') || "''"})`);
    return (await q.toArray()) as PlateRow[];
  }

  /**
   * What plate search needs of every plate track and reading, as compact columns: the tracks of
   * `trackWhere` (id, settled text, score) and the readings (text, track, confidence) of `sources`
   * when given, in the order the store keeps them. Search picks its candidates from these and
   * reads whole rows of the few it ranks.
   */
  async plateTextColumns(trackWhere: string[], sources?: readonly string[]): Promise<PlateTextColumns> {
    const tracks = await this.table('tracks');
    const plates = await this.table('plates');
    if (!tracks || !plates)
      return { tracks: { ids: [], texts: [], scores: [] }, readings: { texts: [], trackIds: [] } };
    const tq = tracks
      .query()
      .where([`kind = 'plate'`, ...trackWhere].join(' AND '))
      .select(['id', 'text', 'score']);
    const rq = plates.query().select(['text', 'track_id']);
    if (sources) rq.where(`source_id IN (${sources.map(sqlString).join(', ') || "''"})`);
    const t = (await tq.toArrow()) as unknown as ArrowColumns;
    const r = (await rq.toArrow()) as unknown as ArrowColumns;
    return {
      tracks: {
        ids: asciiColumn(t, 'id') as string[],
        texts: asciiColumn(t, 'text'),
        scores: Array.from(t.getChild('score') ?? [], Number),
      },
      readings: { texts: asciiColumn(r, 'text'), trackIds: asciiColumn(r, 'track_id') as string[] },
    };
  }

  /** The face rows (all columns) of these tracks. */
  async faceRowsOfTracks(trackIds: readonly string[]): Promise<FaceRow[]> {
    const t = await this.table('faces');
    if (!t) return [];
    const out: FaceRow[] = [];
    for (let i = 0; i < trackIds.length; i += 500) {
      const chunk = trackIds.slice(i, i + 500).map(sqlString);
      const rows = (await t
        .query()
        .where(`track_id IN (${chunk.join(', ')})`)
        .toArray()) as Array<FaceRow & { vector: ArrayLike<number> }>;
      out.push(
        ...rows.map((r) => ({
          ...r,
          vector: Array.from(r.vector),
          thumb: r.thumb ? Buffer.from(r.thumb) : null,
        })),
      );
    }
    return out;
  }

  /** The readings of these plate tracks (the columns search reads, or with `all` every column). */
  async plateRowsOfTracks(trackIds: readonly string[], all = false): Promise<PlateRow[]> {
    const t = await this.table('plates');
    if (!t) return [];
    const out: PlateRow[] = [];
    for (let i = 0; i < trackIds.length; i += 500) {
      const chunk = trackIds.slice(i, i + 500).map(sqlString);
      out.push(
        ...((await t
          .query()
          .where(`track_id IN (${chunk.join(', ')})`)
          .select(all ? PLATE_COLUMNS : [...DETECTION_COLUMNS, 'raw', 'text', 'confidence'])
          .toArray()) as PlateRow[]),
      );
    }
    return out;
  }

  /** Alerts already raised for this watchlist entry in this source. */
  async alertsOf(entry: string, sourceId: string): Promise<AlertRow[]> {
    const t = await this.table('alerts');
    if (!t) return [];
    return (await t
      .query()
      .where(`entry = ${sqlString(entry)} AND source_id = ${sqlString(sourceId)}`)
      .toArray()) as AlertRow[];
  }

  async addAlerts(rows: readonly AlertRow[]): Promise<void> {
    if (rows.length === 0) return;
    const t = await this.ensure('alerts', alertsSchema);
    await t.add(rows as unknown as Record<string, unknown>[]);
  }

  /** Alerts the webhook has not taken yet, oldest first. */
  async pendingAlerts(): Promise<AlertRow[]> {
    const t = await this.table('alerts');
    if (!t) return [];
    const rows = (await t.query().where('delivered_at IS NULL').toArray()) as AlertRow[];
    return rows.sort((a, b) => (a.raised_at < b.raised_at ? -1 : a.raised_at > b.raised_at ? 1 : 0));
  }

  async updateAlert(
    id: string,
    values: Partial<Pick<AlertRow, 'delivered_at' | 'attempts' | 'next_attempt_at' | 'last_error'>>,
  ): Promise<void> {
    const t = await this.ensure('alerts', alertsSchema);
    const set: Record<string, string> = {};
    for (const [k, v] of Object.entries(values))
      set[k] = v === null ? 'NULL' : typeof v === 'number' ? String(v) : sqlString(String(v));
    await t.update({ where: `id = ${sqlString(id)}`, valuesSql: set });
  }

  /** The camera register, by id. */
  async cameras(): Promise<Camera[]> {
    const t = await this.table('cameras');
    if (!t) return [];
    const rows = (await t.query().toArray()) as CameraRow[];
    return rows
      .map((r) => ({
        id: r.id,
        name: r.name,
        lat: r.lat,
        lon: r.lon,
        timezone: r.timezone,
        tags: r.tags ? r.tags.split(';') : [],
        clockOffset: r.clock_offset,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The camera register by camera id (a Camera is also a trail's Place). */
  async cameraMap(): Promise<Map<string, Camera>> {
    return new Map((await this.cameras()).map((c) => [c.id, c]));
  }

  /**
   * Adds cameras to the register, replacing those with the same id (one merge: a re-import
   * updates by id, and a failed write leaves the register as it was).
   */
  async putCameras(cameras: readonly Camera[]): Promise<void> {
    this.filterContext = undefined;
    if (cameras.length === 0) return;
    const t = await this.ensure('cameras', camerasSchema);
    const now = new Date().toISOString();
    const rows: CameraRow[] = cameras.map((c) => ({
      id: c.id,
      name: c.name,
      lat: c.lat,
      lon: c.lon,
      timezone: c.timezone,
      tags: c.tags.join(';'),
      clock_offset: c.clockOffset,
      updated_at: now,
    }));
    await t
      .mergeInsert('id')
      .whenMatchedUpdateAll()
      .whenNotMatchedInsertAll()
      .execute(rows as unknown as Record<string, unknown>[]);
  }

  /**
   * Plate tracks whose vehicle has this type and/or colour, seen in the window and cameras of
   * `window` (the filters are part of the store query).
   */
  async plateTracks(
    filter: { vehicle?: string; colour?: string } = {},
    window?: SightingFilter,
  ): Promise<TrackRow[]> {
    return this.tracks('plate', undefined, await this.plateTrackWhere(filter, window));
  }

  /** The predicates of plate tracks by vehicle type, colour, window, cameras and sources. */
  async plateTrackWhere(
    filter: { vehicle?: string; colour?: string } = {},
    window?: SightingFilter,
  ): Promise<string[]> {
    const span = await this.predicate(window, { start: 'start_time', end: 'end_time' });
    return [
      ...(filter.vehicle ? [`vehicle_type = ${sqlString(filter.vehicle)}`] : []),
      ...(filter.colour ? [`vehicle_colour = ${sqlString(filter.colour)}`] : []),
      ...(span ? [`(${span})`] : []),
    ];
  }

  /**
   * The SQL predicate of --from/--to/--camera over rows whose time span is in `cols`, with each
   * camera's zone from the register; null without a filter.
   */
  async predicate(
    filter: SightingFilter | undefined,
    cols: { start: string; end: string },
  ): Promise<string | null> {
    if (!hasFilter(filter)) return null;
    // the register's zones and the store's cameras, read once (a search asks for several predicates)
    this.filterContext ??= (async () => ({
      zones: new Map([...(await this.cameraMap())].map(([id, c]) => [id, c.timezone])),
      known: [...new Set((await this.listSources()).map((s) => s.camera))],
    }))();
    const { zones, known } = await this.filterContext;
    return filterPredicate(filter, zones, known, cols);
  }

  /** Tracks of a kind; with `ids`, only those (a search needs the few it hit, not the whole table). */
  async tracks(
    kind?: 'face' | 'plate',
    ids?: readonly string[],
    where: string[] = [],
    opts: { thumbs?: boolean } = {},
  ): Promise<TrackRow[]> {
    const t = await this.table('tracks');
    if (!t) return [];
    const columns = opts.thumbs === false ? TRACK_COLUMNS.filter((c) => c !== 'thumb') : undefined;
    const read = async (where: string[]): Promise<TrackRow[]> => {
      const q = t.query();
      if (columns) q.select(columns);
      if (where.length > 0) q.where(where.join(' AND '));
      return ((await q.toArray()) as TrackRow[]).map(
        (r) => ({ ...r, thumb: r.thumb ? Buffer.from(r.thumb) : null }) as TrackRow,
      );
    };
    const byKind = [...(kind ? [`kind = ${sqlString(kind)}`] : []), ...where];
    if (!ids) return read(byKind);
    const out: TrackRow[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids
        .slice(i, i + 500)
        .map(sqlString)
        .join(', ');
      out.push(...(await read([...byKind, `id IN (${chunk})`])));
    }
    return out;
  }

  /** Builds the ANN index once the faces table is large; small stores stay exact. */
  async maintain(): Promise<{ indexed: boolean }> {
    const faces = await this.table('faces');
    let indexed = false;
    if (faces && (await faces.countRows()) >= ANN_INDEX_MIN_ROWS) {
      const existing = await faces.listIndices();
      if (!existing.some((i) => i.columns.includes('vector'))) {
        await faces.createIndex('vector', {
          config: lancedb.Index.ivfPq({ distanceType: 'cosine', numSubVectors: 16 }),
        });
        indexed = true;
      }
    }
    // the columns searches look rows up by: a B-tree each once a table is large
    for (const [name, column] of SCALAR_INDEXES) {
      const t = await this.table(name);
      if (!t || (await t.countRows()) < SCALAR_INDEX_MIN_ROWS) continue;
      const existing = await t.listIndices();
      if (!existing.some((i) => i.columns.includes(column))) {
        await t.createIndex(column, { config: lancedb.Index.btree() });
      }
    }
    // compaction, and the rows written since folded into the indexes
    for (const name of ['sources', 'faces', 'plates', 'tracks']) {
      const t = await this.table(name);
      if (t) await t.optimize({ cleanupOlderThan: new Date(Date.now() - 7 * 86_400_000) });
    }
    await this.savePlateCatalogue();
    return { indexed };
  }

  /**
   * Plate search's catalogue of every plate track and reading (distinct texts, their bigram
   * postings, which tracks hold them), saved beside the tables with the versions of the tables it
   * was made from: a search reads one file instead of every reading. Written whole to a temporary
   * file and renamed, so a reader sees the old file or the new one.
   */
  private async savePlateCatalogue(): Promise<void> {
    const file = join(localStateDir(this.dir), PLATE_CATALOGUE_FILE);
    const versions = await this.plateVersions();
    if (!versions) {
      await rm(file, { force: true });
      return;
    }
    const catalogue = PlateCatalogue.of(await this.plateTextColumns([]));
    const bytes = encodePlateCatalogue(catalogue, { ...versions, tracks: catalogue.tracks });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  }

  /**
   * The catalogue maintenance saved, or null when there is none or the plate tracks or readings
   * were written since (then search reads the columns instead: slower, the same answer).
   */
  async savedPlateCatalogue(): Promise<PlateCatalogue | null> {
    const bytes = await readFile(join(localStateDir(this.dir), PLATE_CATALOGUE_FILE)).catch(() => null);
    if (!bytes) return null;
    const versions = await this.plateVersions();
    try {
      const meta = plateCatalogueMeta(bytes);
      if (!versions || meta.tracksVersion !== versions.tracksVersion) return null;
      if (meta.platesVersion !== versions.platesVersion) return null;
      return decodePlateCatalogue(bytes);
    } catch {
      // a damaged file is only a lost shortcut: the columns give the same answer
      return null;
    }
  }

  private async plateVersions(): Promise<{ tracksVersion: number; platesVersion: number } | null> {
    const tracks = await this.table('tracks');
    const plates = await this.table('plates');
    if (!tracks || !plates) return null;
    return { tracksVersion: await tracks.version(), platesVersion: await plates.version() };
  }

  close(): void {
    for (const t of this.tables.values()) t.close();
    this.tables.clear();
    this.db.close();
  }
}

function plainSource(r: SourceRow): SourceRow {
  return { ...r, size: Number(r.size), mtime_ms: Number(r.mtime_ms) };
}
