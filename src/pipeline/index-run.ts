import { existsSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  cameraFromFileName,
  parseFileNameTime,
  parseMetadataTime,
  parseStartOption,
  sanitizeCamera,
} from '../core/time.js';
import type { Camera } from '../core/cameras.js';
import type { SourceInfo, TimeSource } from '../core/types.js';
import type { IndexSettings } from '../config/settings.js';
import { environmentFault, environmentFaultKind, errorMessage, InputError, UsageError } from '../errors.js';
import { recognizerOf } from '../ml/face/calibration.js';
import { AuditLog } from '../infra/audit-log.js';
import { probe } from '../infra/ffmpeg.js';
import { sha256Buffer, sha256File } from '../infra/hash.js';
import { discover, folderCamera, type Candidate } from '../ingest/discover.js';
import { type Turn, WriteLock } from '../store/lock.js';
import { Store } from '../store/store.js';
import { processSource, type SourceResult } from './process-source.js';
import type { Stages } from './stages.js';

export type IndexEvent =
  | {
      type: 'run-start';
      files: number;
      skippedNonVideo: Array<{ path: string; reason: string }>;
      recovered: string[];
    }
  | {
      type: 'file-start';
      path: string;
      camera: string;
      duration: number;
      startTime: string | null;
      startTimeSource: TimeSource;
      /** Another indexed file with the same content (a copy): this one is a source of its own. */
      copyOf?: string;
    }
  | { type: 'progress'; path: string; offset: number; duration: number; frames: number }
  | ({
      type: 'file-done';
      path: string;
      sha256: string;
      sourceId: string;
      camera: string;
      seconds: number;
    } & SourceResult)
  | { type: 'file-skipped'; path: string; reason: string; sha256?: string }
  | { type: 'file-failed'; path: string; reason: string }
  | {
      type: 'summary';
      indexed: number;
      skipped: number;
      failed: Array<{ path: string; reason: string }>;
      seconds: number;
    };

export interface IndexRunOptions {
  paths: string[];
  storeDir: string;
  camera?: string;
  /** ISO start time from --start, used where neither metadata nor file name holds one. */
  start?: string;
  settings: IndexSettings;
  /** Built lazily: a run where every file is skipped loads no model. */
  stages: () => Promise<Stages>;
  pipelineVersion: string;
  onEvent: (e: IndexEvent) => void;
  signal?: AbortSignal;
  /** The caller keeps the stages loaded across runs and disposes of them (watch). */
  keepStages?: boolean;
  /**
   * Several processes index into this store at once (queue workers): the store's lock is taken
   * for each write only (waiting its turn), and no ANN index is built (the coordinator does).
   */
  sharedStore?: boolean;
  /**
   * With `sharedStore`: how a turn of the store's lock is taken (default: the lock file; queue
   * workers take it through infra/redis-lock.ts storeTurns).
   */
  writeTurn?: (storeDir: string) => Promise<Turn>;
}

export interface IndexSummary {
  indexed: number;
  skipped: number;
  failed: Array<{ path: string; reason: string }>;
}

export function resolveCamera(c: Candidate, override?: string): string {
  if (override) return sanitizeCamera(override);
  return sanitizeCamera(folderCamera(c) ?? cameraFromFileName(basename(c.path)));
}

/**
 * A source's wall-clock start: its metadata, else its file name (read in the camera's time zone
 * when the register has the camera), else --start. A time from the camera's own clock (metadata,
 * file name) is corrected by the camera's measured clock offset; --start is taken as true time.
 */
export function resolveStart(
  creationTime: string | null,
  fileName: string,
  option?: string,
  camera?: Pick<Camera, 'timezone' | 'clockOffset'>,
): { startTime: string | null; startTimeSource: TimeSource } {
  const corrected = (iso: string): string =>
    camera?.clockOffset ? new Date(Date.parse(iso) - camera.clockOffset * 1000).toISOString() : iso;
  const meta = parseMetadataTime(creationTime);
  if (meta) return { startTime: corrected(meta), startTimeSource: 'metadata' };
  const fromName = parseFileNameTime(fileName, camera?.timezone);
  if (fromName) return { startTime: corrected(fromName.iso), startTimeSource: 'filename' };
  // the examiner's start time: without a zone, the camera's local time (UTC when not registered);
  // taken as true time, so the camera's clock offset does not apply
  const given = option ? parseStartOption(option, camera?.timezone) : null;
  if (given) return { startTime: given, startTimeSource: 'option' };
  return { startTime: null, startTimeSource: 'none' };
}

/** Indexes a batch: per-file failures are collected, never thrown; the batch goes on. */
export async function runIndex(opts: IndexRunOptions): Promise<IndexSummary> {
  const t0 = performance.now();
  // A path that does not exist is a typo, not a broken file: nothing is done (exit 2).
  for (const p of opts.paths) {
    const missing = await lstat(p).then(
      () => false,
      (e: NodeJS.ErrnoException) => e.code === 'ENOENT' || e.code === 'ENOTDIR',
    );
    if (missing) throw new InputError(`${p} does not exist: check the path`);
  }
  const found = await discover(opts.paths);
  // The lock comes before the store is opened: a second writer touches nothing, not even table creation.
  await Store.prepareDir(opts.storeDir);
  // alone: the store's lock for the whole run; shared (queue workers): a turn of it per write
  const shared = opts.sharedStore === true;
  const turn = (): Promise<Turn> =>
    opts.writeTurn ? opts.writeTurn(opts.storeDir) : WriteLock.acquireWaiting(opts.storeDir);
  const lock = shared ? await turn() : WriteLock.acquire(opts.storeDir);
  let store: Store;
  try {
    store = await Store.open(opts.storeDir, { create: true });
  } catch (e) {
    lock.release();
    throw e;
  }
  try {
    // one store, one recogniser: vectors of two models never compare
    const held = opts.settings.faces.enabled ? await store.faceModelId() : undefined;
    if (held && recognizerOf(held) !== opts.settings.faces.recognizer)
      throw new UsageError(
        `store ${opts.storeDir} holds ${recognizerOf(held)} face vectors: index with --face-recognizer ${recognizerOf(held)}, or into a new --store`,
      );
  } catch (e) {
    store.close();
    lock.release();
    throw e;
  }
  let stages: Stages | undefined;
  const failed = [...found.failed];
  let indexed = 0;
  let skipped = 0;
  try {
    // sources a crashed writer left half-written (under the lock: a shared store's other writers
    // write only inside their own turn, so nothing half-written here is in progress)
    const recovered = await store.recover();
    if (shared) lock.release();
    opts.onEvent({
      type: 'run-start',
      files: found.candidates.length,
      skippedNonVideo: found.skipped,
      recovered,
    });
    for (const f of found.failed) opts.onEvent({ type: 'file-failed', ...f });
    const seenSha = new Map<string, string>();
    const indexedSources: Array<Record<string, unknown>> = [];
    // the camera register: time zones for file-name stamps, clock offsets
    const register = await store.cameraMap();

    for (const c of found.candidates) {
      if (opts.signal?.aborted) break;
      let begun: string | undefined;
      try {
        const unchanged = await store.findUnchanged(c.path, c.size, c.mtimeMs);
        if (unchanged && unchanged.pipeline_version === opts.pipelineVersion) {
          skipped++;
          opts.onEvent({
            type: 'file-skipped',
            path: c.path,
            reason: 'already indexed',
            sha256: unchanged.sha256,
          });
          continue;
        }
        if (c.size === 0) throw new InputError('empty file (0 bytes)');
        const p = await probe(c.path);
        const sha256 = await sha256File(c.path);
        const camera = resolveCamera(c, opts.camera);
        // A source is a file at a path. The same content at another path is a copy (the same
        // clip filed under two cameras or times, an NVR export copied twice) and a source of its
        // own, unless the indexed file is gone from its path: then it was moved, and its record
        // follows it.
        const all = await store.sourcesWithContent(sha256);
        const same = all.filter(
          (s) => s.status === 'complete' && s.pipeline_version === opts.pipelineVersion,
        );
        const here = same.find((s) => s.path === c.path);
        const moved = here ? undefined : same.find((s) => s.camera === camera && !existsSync(s.path));
        if (here || moved) {
          const was = (here ?? moved)!;
          await store.moveSource(was.id, c.path, c.size, c.mtimeMs);
          skipped++;
          const reason = here ? 'already indexed' : `already indexed as ${was.path} (moved here)`;
          opts.onEvent({ type: 'file-skipped', path: c.path, reason, sha256 });
          continue;
        }
        const copyOf = seenSha.get(sha256) ?? all.find((s) => s.path !== c.path)?.path;
        if (!seenSha.has(sha256)) seenSha.set(sha256, c.path);
        const start = resolveStart(p.creationTime, basename(c.path), opts.start, register.get(camera));
        const info: SourceInfo = {
          // re-indexed under a newer pipeline: the same id, so its old rows are replaced
          id: all.find((s) => s.path === c.path)?.id ?? sourceId(sha256, c.path),
          path: c.path,
          sha256,
          size: c.size,
          camera,
          ...start,
          duration: p.duration,
          fps: p.fps,
          width: p.width,
          height: p.height,
          codec: p.codec,
          rotation: p.rotation,
          firstPts: p.videoStartTime,
        };
        opts.onEvent({
          type: 'file-start',
          path: c.path,
          camera,
          duration: p.duration,
          startTime: start.startTime,
          startTimeSource: start.startTimeSource,
          ...(copyOf ? { copyOf } : {}),
        });
        stages ??= await opts.stages();
        const t = performance.now();
        begun = info.id;
        const result = await processSource(store, info, {
          settings: opts.settings,
          pipelineVersion: opts.pipelineVersion,
          stages,
          mtimeMs: c.mtimeMs,
          signal: opts.signal,
          ...(shared ? { writeTurn: turn } : {}),
          onProgress: (offset, frames) =>
            opts.onEvent({ type: 'progress', path: c.path, offset, duration: p.duration, frames }),
        });
        indexed++;
        indexedSources.push({
          path: c.path,
          sha256,
          camera,
          startTime: start.startTime,
          startTimeSource: start.startTimeSource,
        });
        opts.onEvent({
          type: 'file-done',
          path: c.path,
          sha256,
          sourceId: info.id,
          camera,
          seconds: (performance.now() - t) / 1000,
          ...result,
        });
      } catch (e) {
        // A file that failed midway leaves no partial rows behind.
        if (begun) await store.purgeSource(begun).catch(() => undefined);
        // A full disk or a store turned read-only fails every file after this one: stop the batch.
        // Sources completed so far stay; the half-written one is purged now or by the next run.
        const kind = environmentFaultKind(e);
        if (kind === 'disk-full' || kind === 'read-only') throw environmentFault(e) ?? e;
        const reason = errorMessage(e);
        failed.push({ path: c.path, reason });
        opts.onEvent({ type: 'file-failed', path: c.path, reason });
      }
    }
    // one process builds indexes: with a shared store, the one that queued the work
    if (indexed > 0 && !shared) await store.maintain();
    // The run goes into the store's hash-chained log, which every export carries.
    const logTurn = shared ? await turn() : null;
    await AuditLog.forStore(opts.storeDir)
      .append('index', {
        pipelineVersion: opts.pipelineVersion,
        settings: opts.settings,
        ...(opts.camera !== undefined ? { camera: opts.camera } : {}),
        ...(opts.start !== undefined ? { start: opts.start } : {}),
        indexed: indexedSources,
        skipped,
        failed,
      })
      .finally(() => logTurn?.release());
  } finally {
    if (!opts.keepStages) await Promise.all([stages?.faces?.dispose(), stages?.plates?.dispose()]);
    if (!shared) lock.release();
    store.close();
  }
  opts.onEvent({ type: 'summary', indexed, skipped, failed, seconds: (performance.now() - t0) / 1000 });
  return { indexed, skipped, failed };
}

/** The store's key of a source: its content and its absolute path (32 hex digits). */
export function sourceId(sha256: string, path: string): string {
  return sha256Buffer(`${sha256}\u0000${resolve(path)}`).slice(0, 32);
}
