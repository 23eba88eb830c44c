/**
 * Index jobs on Redis with BullMQ: one job a file, its id derived from the store, path, size and
 * mtime (a file is queued once; a changed file is a new job). Workers take them with retries and
 * backoff; a worker killed mid-job has its job taken over by another once its lock lapses
 * (BullMQ's stalled-job check).
 */
import { createHash } from 'node:crypto';
import type { Queue, QueueOptions, WorkerOptions } from 'bullmq';
import { UsageError } from '../errors.js';
import type { IndexSettings } from '../config/settings.js';

export const QUEUE_NAME = 'sightline-index';

export interface IndexJob {
  path: string;
  size: number;
  mtimeMs: number;
  /** The store as the queueing machine names it; a worker's --store overrides it. */
  storeDir: string;
  settings: IndexSettings;
  pipelineVersion: string;
  camera?: string;
  start?: string;
}

/** Attempts a job gets before it is reported failed. */
export const JOB_ATTEMPTS = 3;
/** How long a job's lock lasts without renewal: a killed worker's job is free again after about this. */
export const JOB_LOCK_MS = 8_000;

export function jobId(storeDir: string, path: string, size: number, mtimeMs: number): string {
  return createHash('sha256')
    .update(`${storeDir}\u0000${path}\u0000${size}\u0000${mtimeMs}`)
    .digest('hex')
    .slice(0, 32);
}

/** The connection of a --queue URL (redis://host:port[/db]); one clear line when it is not one. */
export function queueConnection(url: string): {
  url: string;
  maxRetriesPerRequest: null;
  enableOfflineQueue: boolean;
} {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--queue ${url} is not a URL: e.g. --queue redis://127.0.0.1:6379`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new UsageError(`--queue ${url} is not a redis:// URL: e.g. --queue redis://127.0.0.1:6379`);
  return { url, maxRetriesPerRequest: null, enableOfflineQueue: true };
}

export async function openQueue(url: string): Promise<Queue<IndexJob>> {
  // BullMQ loads with the queue commands only (a third of a second every other command would pay)
  const { Queue } = await import('bullmq');
  const opts: QueueOptions = { connection: queueConnection(url) };
  return new Queue<IndexJob>(QUEUE_NAME, opts);
}

export function workerOptions(url: string): WorkerOptions {
  return {
    connection: queueConnection(url),
    concurrency: 1,
    lockDuration: JOB_LOCK_MS,
    stalledInterval: JOB_LOCK_MS,
    maxStalledCount: 2,
  };
}
