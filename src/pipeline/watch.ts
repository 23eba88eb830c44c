/**
 * `sightline watch`: footage indexed as it lands, each new source swept against the watchlists,
 * each hit an alert raised once (kept in the store: a restart, a rescan or a re-index raises no
 * duplicate) and delivered to a webhook from a pending queue in the store (retried with backoff,
 * never dropped, never holding up indexing).
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import chokidar, { type FSWatcher } from 'chokidar';
import type { IndexSettings } from '../config/settings.js';
import { backoffMs, type FileState, isSettled, observe } from '../core/readiness.js';
import type { SearchResult } from '../core/types.js';
import { errorMessage } from '../errors.js';
import { AuditLog } from '../infra/audit-log.js';
import { checkComplete } from '../infra/ffmpeg.js';
import { postAlert } from '../infra/webhook.js';
import { extensionOf, VIDEO_EXTENSIONS } from '../core/media-sniff.js';
import { discover } from '../ingest/discover.js';
import type { ConditionCalibration } from '../ml/face/calibration.js';
import { searchFaces } from '../search/faces.js';
import { type PlatePattern, searchPlates } from '../search/plates.js';
import { placeResults } from '../search/results.js';
import { WriteLock } from '../store/lock.js';
import { type AlertRow, Store } from '../store/store.js';
import { runIndex } from './index-run.js';
import type { Stages } from './stages.js';

/** One watchlist hit as it is delivered (NDJSON line, webhook body). */
export interface Alert {
  type: 'alert';
  id: string;
  kind: 'face' | 'plate';
  /** The watchlist entry: the plate pattern, or the person's folder name. */
  entry: string;
  label: string | null;
  camera: string;
  place: { name: string; lat: number; lon: number } | null;
  boundary: string | null;
  /** Wall-clock start and end of the sighting (ISO 8601 UTC), null when the source has none. */
  time: string | null;
  endTime: string | null;
  score: number;
  /** Plates: what was read. */
  reading: string | null;
  strength: string | null;
  vehicle: SearchResult['vehicle'] | null;
  /** The evidence frame: `sightline export` of this alert's search makes it a bundle. */
  evidence: {
    source: { path: string; sha256: string };
    trackId: string;
    offset: number;
    pts: number | null;
    box: number[];
  };
  raisedAt: string;
}

export type WatchEvent =
  | { type: 'alert'; alert: Alert }
  | { type: 'indexed'; path: string; camera: string; seconds: number; plates: number; faces: number }
  | { type: 'skipped'; path: string; reason: string }
  | { type: 'failed'; path: string; reason: string }
  | { type: 'delivered'; id: string; status: number; attempts: number }
  | { type: 'delivery-failed'; id: string; attempts: number; error: string; retryInMs: number }
  | { type: 'status'; waiting: number; indexing: string | null; alerts: number; pending: number };

/** A watchlist person: their fused photo descriptor and the threshold of the photos' condition. */
export interface WatchFace {
  label?: string;
  vector: Float32Array;
  threshold: number;
  calibration: ConditionCalibration;
}

const isVideoPath = (p: string): boolean => VIDEO_EXTENSIONS.has(extensionOf(p));

export interface WatchOptions {
  dirs: string[];
  storeDir: string;
  settings: IndexSettings;
  pipelineVersion: string;
  stages: () => Promise<Stages>;
  plates: PlatePattern[];
  faces: WatchFace[];
  webhook?: { url: string; secret?: string };
  /** Index what is there, sweep, deliver, and return (for cron). */
  once: boolean;
  /** A file is taken once its size and mtime have not changed for this long. */
  settleMs: number;
  /** Every so often the folders are walked again (network shares drop events). */
  rescanMs: number;
  signal: AbortSignal;
  onEvent: (e: WatchEvent) => void;
  now?: () => number;
}

export interface WatchSummary {
  indexed: number;
  failed: number;
  alerts: number;
  /** Alerts the webhook has not taken when the watch ended (kept for the next run). */
  pending: number;
}

/** A file that parsed to its end and still fails is given up this long after it last changed. */
const GIVE_UP_MS = 60_000;
/** Most hits a sweep takes per watchlist entry and source. */
const SWEEP_LIMIT = 500;

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((res) => {
    if (signal.aborted) return res();
    const onAbort = (): void => {
      clearTimeout(t);
      res();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      res();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** A sighting's alert id: the same entry, source and track always give the same id. */
export function alertId(entry: string, sourceId: string, trackId: string): string {
  return createHash('sha256').update(`${entry}\u0000${sourceId}\u0000${trackId}`).digest('hex').slice(0, 24);
}

/** Whether a hit is one already alerted: the same entry in the same source, overlapping in time. */
export function alreadyAlerted(
  hit: { trackId?: string; startOffset: number; endOffset: number },
  raised: ReadonlyArray<Pick<AlertRow, 'track_id' | 'start_offset' | 'end_offset'>>,
  slackSeconds = 1,
): boolean {
  return raised.some(
    (a) =>
      a.track_id === hit.trackId ||
      (hit.startOffset <= a.end_offset + slackSeconds && a.start_offset <= hit.endOffset + slackSeconds),
  );
}

export async function watch(opts: WatchOptions): Promise<WatchSummary> {
  const now = opts.now ?? Date.now;
  const storeDir = resolve(opts.storeDir);
  await Store.prepareDir(storeDir);
  // one watch a store: two would each alert the same sighting
  (await Store.open(storeDir, { create: true })).close();
  const lock = WriteLock.acquire(storeDir, 'watch.lock', 'watched');
  const summary: WatchSummary = { indexed: 0, failed: 0, alerts: 0, pending: 0 };
  const states = new Map<string, FileState>();
  /** Files handled at this size:mtime (indexed, skipped or given up): not taken again until they change. */
  const handled = new Map<string, string>();
  const dirty = new Set<string>();
  let indexing: string | null = null;
  let stages: Stages | undefined;
  const stagesOnce = async (): Promise<Stages> => (stages ??= await opts.stages());
  const audit = AuditLog.forStore(storeDir);
  const store = await Store.open(storeDir, { create: false });

  const rescan = async (): Promise<void> => {
    const found = await discover(opts.dirs).catch(() => null);
    for (const c of found?.candidates ?? []) dirty.add(resolve(c.path));
  };
  let watcher: FSWatcher | undefined;
  if (!opts.once) {
    watcher = chokidar.watch(opts.dirs, {
      ignoreInitial: true,
      persistent: true,
      ignored: (p) => /(^|\/)\./.test(p),
    });
    const mark = (p: string): void => {
      if (isVideoPath(p)) dirty.add(resolve(p));
    };
    watcher
      .on('add', mark)
      .on('change', mark)
      .on('error', () => undefined);
  }
  await rescan();

  const status = async (): Promise<void> =>
    opts.onEvent({
      type: 'status',
      waiting: [...dirty].length,
      indexing,
      alerts: summary.alerts,
      pending: opts.webhook ? (await store.pendingAlerts()).length : 0,
    });

  // delivery runs beside indexing: a receiver that is down never holds up the watch
  let delivering = Promise.resolve();
  const deliver = async (): Promise<void> => {
    if (!opts.webhook) return;
    for (const a of await store.pendingAlerts()) {
      if (opts.signal.aborted) return;
      if (a.next_attempt_at && Date.parse(a.next_attempt_at) > now()) continue;
      const r = await postAlert(opts.webhook.url, a.payload, {
        id: a.id,
        ...(opts.webhook.secret ? { secret: opts.webhook.secret } : {}),
      });
      const attempts = a.attempts + 1;
      if (r.ok) {
        await store.updateAlert(a.id, {
          delivered_at: new Date(now()).toISOString(),
          attempts,
          last_error: null,
        });
        opts.onEvent({ type: 'delivered', id: a.id, status: r.status, attempts });
      } else {
        const wait = backoffMs(attempts);
        await store.updateAlert(a.id, {
          attempts,
          next_attempt_at: new Date(now() + wait).toISOString(),
          last_error: r.error ?? `HTTP ${r.status}`,
        });
        opts.onEvent({
          type: 'delivery-failed',
          id: a.id,
          attempts,
          error: r.error ?? `HTTP ${r.status}`,
          retryInMs: wait,
        });
        // the receiver is down: the rest wait for the next round, in order
        return;
      }
    }
  };
  const deliveryLoop = (async () => {
    while (!opts.signal.aborted && !opts.once) {
      delivering = deliver().catch(() => undefined);
      await delivering;
      await sleep(1000, opts.signal);
    }
  })();

  const sweep = async (sourceId: string): Promise<void> => {
    const s = await Store.open(storeDir, { create: false });
    try {
      const window = { sources: [sourceId] };
      const hits: SearchResult[] = [];
      if (opts.plates.length > 0)
        hits.push(...(await searchPlates(s, opts.plates, { exact: false, limit: SWEEP_LIMIT, window })));
      for (const q of opts.faces)
        hits.push(
          ...(await searchFaces(
            s,
            { vector: q.vector, ...(q.label ? { label: q.label } : {}) },
            {
              threshold: q.threshold,
              limit: SWEEP_LIMIT,
              calibration: q.calibration,
              window,
            },
          )),
        );
      const placed = placeResults(hits, await s.cameraMap());
      const rows: AlertRow[] = [];
      const raisedHere = new Map<string, AlertRow[]>();
      for (const r of placed) {
        const label = (r as { label?: string }).label ?? null;
        const entry = r.kind === 'face' ? (label ?? 'person') : (r.pattern ?? r.text ?? '');
        const key = `${entry}\u0000${sourceId}`;
        const before = raisedHere.get(key) ?? (await store.alertsOf(entry, sourceId));
        if (alreadyAlerted(r, before)) continue;
        const alert: Alert = {
          type: 'alert',
          id: alertId(entry, sourceId, r.trackId ?? `${r.startOffset}`),
          kind: r.kind,
          entry,
          label: r.kind === 'plate' ? label : null,
          camera: r.camera,
          place: r.place ?? null,
          boundary: r.boundary ?? null,
          time: r.startTime,
          endTime: r.endTime,
          score: r.score,
          reading: r.text ?? null,
          strength: r.strength?.statement ?? null,
          vehicle: r.vehicle ?? null,
          evidence: {
            source: r.source,
            trackId: r.trackId ?? '',
            offset: r.evidence.offset,
            pts: r.evidence.pts ?? null,
            box: [...r.evidence.box],
          },
          raisedAt: new Date(now()).toISOString(),
        };
        const row: AlertRow = {
          id: alert.id,
          kind: r.kind,
          entry,
          label,
          source_id: sourceId,
          source_sha256: r.source.sha256,
          source_path: r.source.path,
          camera: r.camera,
          track_id: r.trackId ?? '',
          start_offset: r.startOffset,
          end_offset: r.endOffset,
          start_time: r.startTime,
          payload: JSON.stringify(alert),
          raised_at: alert.raisedAt,
          delivered_at: null,
          attempts: 0,
          next_attempt_at: null,
          last_error: null,
        };
        rows.push(row);
        raisedHere.set(key, [...before, row]);
      }
      // kept first, then told: an alert is never lost between the two
      await store.addAlerts(rows);
      for (const row of rows) {
        const alert = JSON.parse(row.payload) as Alert;
        await audit.append('alert', {
          id: alert.id,
          kind: alert.kind,
          entry: alert.entry,
          camera: alert.camera,
          time: alert.time,
          score: alert.score,
          reading: alert.reading,
          source: alert.evidence.source,
          trackId: alert.evidence.trackId,
        });
        summary.alerts++;
        opts.onEvent({ type: 'alert', alert });
      }
    } finally {
      s.close();
    }
  };

  const take = async (path: string, state: FileState): Promise<void> => {
    const version = `${state.size}:${state.mtimeMs}`;
    const complete = await checkComplete(path);
    if (!complete.ok) {
      // still arriving, or damaged: given up only once it has been still for a long while
      if (
        now() - Math.max(state.since, state.mtimeMs) < Math.max(GIVE_UP_MS, 6 * opts.settleMs) &&
        !opts.once
      ) {
        dirty.add(path);
        return;
      }
      handled.set(path, version);
      summary.failed++;
      opts.onEvent({ type: 'failed', path, reason: complete.reason ?? 'does not parse to its end' });
      return;
    }
    indexing = path;
    await status();
    let done: { sourceId: string; camera: string; seconds: number; plates: number; faces: number } | null =
      null;
    await runIndex({
      paths: [path],
      storeDir,
      settings: opts.settings,
      stages: stagesOnce,
      keepStages: true,
      pipelineVersion: opts.pipelineVersion,
      signal: opts.signal,
      onEvent: (e) => {
        if (e.type === 'file-done')
          done = {
            sourceId: e.sourceId,
            camera: e.camera,
            seconds: e.seconds,
            plates: e.plates,
            faces: e.faces,
          };
        else if (e.type === 'file-skipped') opts.onEvent({ type: 'skipped', path, reason: e.reason });
        else if (e.type === 'file-failed') {
          summary.failed++;
          opts.onEvent({ type: 'failed', path, reason: e.reason });
        }
      },
    }).catch((err: unknown) => {
      summary.failed++;
      opts.onEvent({ type: 'failed', path, reason: errorMessage(err) });
    });
    indexing = null;
    handled.set(path, version);
    if (opts.signal.aborted) {
      if (!done) handled.delete(path);
      return;
    }
    if (done) {
      const d = done as { sourceId: string; camera: string; seconds: number; plates: number; faces: number };
      summary.indexed++;
      opts.onEvent({
        type: 'indexed',
        path,
        camera: d.camera,
        seconds: d.seconds,
        plates: d.plates,
        faces: d.faces,
      });
      await sweep(d.sourceId);
    }
  };

  let lastRescan = now();
  let lastStatus = 0;
  try {
    while (!opts.signal.aborted) {
      const ready: Array<[string, FileState]> = [];
      for (const path of [...dirty]) {
        const st = await stat(path).catch(() => null);
        if (!st?.isFile()) {
          dirty.delete(path);
          states.delete(path);
          continue;
        }
        const s = observe(states.get(path), st.size, st.mtimeMs, now());
        states.set(path, s);
        if (handled.get(path) === `${s.size}:${s.mtimeMs}`) {
          dirty.delete(path);
          continue;
        }
        if (isSettled(s, now(), opts.settleMs)) ready.push([path, s]);
      }
      for (const [path, s] of ready.sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (opts.signal.aborted) break;
        dirty.delete(path);
        await take(path, s);
      }
      if (opts.once && dirty.size === 0) break;
      if (now() - lastStatus >= 1000) {
        lastStatus = now();
        await status();
      }
      if (!opts.once && now() - lastRescan >= opts.rescanMs) {
        lastRescan = now();
        await rescan();
      }
      await sleep(opts.once ? 200 : 500, opts.signal);
    }
    if (opts.once && opts.webhook) {
      // for cron: deliver what is pending, retrying for a while, then leave the rest queued
      const until = now() + 30_000;
      while (!opts.signal.aborted && now() < until && (await store.pendingAlerts()).length > 0) {
        await deliver();
        await sleep(500, opts.signal);
      }
    }
  } finally {
    await watcher?.close();
    await deliveryLoop;
    await delivering;
    summary.pending = opts.webhook ? (await store.pendingAlerts().catch(() => [])).length : 0;
    await Promise.all([stages?.faces?.dispose(), stages?.plates?.dispose()]);
    store.close();
    lock.release();
  }
  return summary;
}
