/**
 * `index --queue`: one job a file on the queue, and with `--wait` the run followed to its end
 * across every worker; then the store's ANN index is built here, by this one process.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { IndexSettings } from '../config/settings.js';
import { AuditLog } from '../infra/audit-log.js';
import { JOB_ATTEMPTS, type IndexJob, jobId, openQueue } from '../infra/queue.js';
import { storeTurns } from '../infra/redis-lock.js';
import { discover } from '../ingest/discover.js';
import { storeLocation } from '../store/location.js';
import { Store } from '../store/store.js';

export type QueueEvent =
  | { type: 'queued'; files: number; already: number; skipped: Array<{ path: string; reason: string }> }
  | { type: 'done'; path: string; outcome: 'indexed' | 'skipped'; worker: string | null }
  | { type: 'failed'; path: string; reason: string }
  | { type: 'progress'; done: number; failed: number; total: number };

export interface QueueRunOptions {
  url: string;
  paths: string[];
  storeDir: string;
  settings: IndexSettings;
  pipelineVersion: string;
  camera?: string;
  start?: string;
  wait: boolean;
  onEvent: (e: QueueEvent) => void;
  signal?: AbortSignal;
}

export async function queueIndex(opts: QueueRunOptions): Promise<{
  queued: number;
  indexed: number;
  skipped: number;
  failed: Array<{ path: string; reason: string }>;
}> {
  const storeDir = storeLocation(opts.storeDir);
  // the store's lock as the workers take it (on the queue's Redis for a store on object storage)
  const turns = storeTurns(opts.url);
  const turn = () => turns.turn(storeDir);
  // the store exists before any worker writes to it (and its folder is checked here, once)
  await Store.prepareDir(storeDir);
  {
    const lock = await turn();
    try {
      (await Store.open(storeDir, { create: true })).close();
    } finally {
      lock.release();
    }
  }
  const found = await discover(opts.paths);
  const queue = await openQueue(opts.url);
  const { Job } = await import('bullmq');
  try {
    const jobs = found.candidates.map((c) => {
      const path = resolve(c.path);
      const data: IndexJob = {
        path,
        size: c.size,
        mtimeMs: c.mtimeMs,
        storeDir,
        settings: opts.settings,
        pipelineVersion: opts.pipelineVersion,
        ...(opts.camera !== undefined ? { camera: opts.camera } : {}),
        ...(opts.start !== undefined ? { start: opts.start } : {}),
      };
      return { id: jobId(storeDir, path, c.size, c.mtimeMs), data };
    });
    let already = 0;
    for (const j of jobs) if (await Job.fromId(queue, j.id)) already++;
    await queue.addBulk(
      jobs.map((j) => ({
        name: 'index',
        data: j.data,
        opts: {
          jobId: j.id,
          attempts: JOB_ATTEMPTS,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
    opts.onEvent({
      type: 'queued',
      files: jobs.length,
      already,
      skipped: [...found.skipped, ...found.failed],
    });
    const out = { queued: jobs.length, indexed: 0, skipped: 0, failed: [...found.failed] };
    if (!opts.wait) return out;

    const pending = new Map(jobs.map((j) => [j.id, j.data.path]));
    while (pending.size > 0 && !opts.signal?.aborted) {
      for (const [id, path] of [...pending]) {
        const job = await Job.fromId<IndexJob, { outcome: 'indexed' | 'skipped'; worker?: string }>(
          queue,
          id,
        );
        if (!job) continue;
        const state = await job.getState();
        if (state === 'completed') {
          pending.delete(id);
          const outcome = job.returnvalue?.outcome ?? 'indexed';
          if (outcome === 'indexed') out.indexed++;
          else out.skipped++;
          opts.onEvent({ type: 'done', path, outcome, worker: job.returnvalue?.worker ?? null });
        } else if (state === 'failed') {
          pending.delete(id);
          const reason = job.failedReason || 'failed';
          out.failed.push({ path, reason });
          opts.onEvent({ type: 'failed', path, reason });
        }
      }
      opts.onEvent({
        type: 'progress',
        done: jobs.length - pending.size - (out.failed.length - found.failed.length),
        failed: out.failed.length - found.failed.length,
        total: jobs.length,
      });
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 500));
    }
    // one process builds the ANN index and writes the run into the log
    const lock = await turn();
    try {
      const store = await Store.open(storeDir, { create: false });
      try {
        if (out.indexed > 0) await store.maintain();
      } finally {
        store.close();
      }
      await AuditLog.forStore(storeDir).append('index-queue', {
        queue: redacted(opts.url),
        pipelineVersion: opts.pipelineVersion,
        files: jobs.map((j) => j.data.path),
        indexed: out.indexed,
        skipped: out.skipped,
        failed: out.failed,
      });
    } finally {
      lock.release();
    }
    return out;
  } finally {
    await turns.close();
    await queue.close();
  }
}

/** A queue URL without its password, for the log. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Whether a file still is as it was queued (a worker skips a job for a file that changed since). */
export async function unchanged(job: IndexJob): Promise<boolean> {
  const st = await stat(job.path).catch(() => null);
  return !!st && st.size === job.size && st.mtimeMs === job.mtimeMs;
}
