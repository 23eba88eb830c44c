import { localStateDir } from './location.js';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How long a fresh lock is left before it is read back to confirm it is still ours. */
const VERIFY_MS = 50;
/** A lock file still empty or torn after this long was left by a writer that died creating it. */
const TORN_GRACE_MS = 5_000;

function readLock(path: string): LockInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof v.pid === 'number' && typeof v.host === 'string' ? (v as LockInfo) : undefined;
  } catch {
    return undefined; // gone, empty or torn
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const same = (a: LockInfo | undefined, b: LockInfo): boolean =>
  a !== undefined && a.pid === b.pid && a.host === b.host && a.since === b.since;

/**
 * One writer per store: a lock file created exclusively. A lock whose process is gone (same host),
 * or a torn lock file older than a few seconds, is stale and taken over; a live one makes the second
 * writer stop with exit 2. Two processes taking over the same stale lock at once could each remove
 * the other's new file, so a fresh lock is read back after a moment and the loser backs off.
 * Readers need no lock.
 */
/** A turn of a store's write lock, whoever keeps it (this file, or Redis: infra/redis-lock.ts). */
export interface Turn {
  release(): void;
}

export class WriteLock implements Turn {
  private constructor(
    private readonly path: string,
    private readonly info: LockInfo,
  ) {}

  /** `file`/`doing`: another lock of the same kind, e.g. watch.lock, "watched" (one watch a store). */
  static acquire(storeDir: string, file = 'write.lock', doing = 'written'): WriteLock {
    // an object store's lock is a file of this machine's (store/location.ts)
    const path = join(localStateDir(storeDir), file);
    const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    const busy = (held: LockInfo | undefined): InputError =>
      new InputError(
        held
          ? `store ${storeDir} is being ${doing} by another sightline (pid ${held.pid} on ${held.host} since ${held.since}): wait for it to finish, or use another --store`
          : `store ${storeDir} is being locked by another sightline right now: wait for it to finish, or use another --store`,
      );
    for (let attempt = 0; attempt < 3; attempt++) {
      let created = false;
      try {
        writeFileSync(path, JSON.stringify(info), { flag: 'wx' });
        created = true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EROFS')
          throw new InputError(`store ${storeDir} is read-only: index into a writable --store`);
        if (code === 'EACCES' || code === 'EPERM')
          throw new InputError(
            `permission denied on store ${storeDir}: index into a --store you may write to`,
          );
        if (code !== 'EEXIST') throw e;
      }
      if (created) {
        sleepSync(VERIFY_MS);
        const now = readLock(path);
        if (same(now, info)) return new WriteLock(path, info);
        throw busy(now);
      }
      const held = readLock(path);
      if (held && (held.host !== hostname() || alive(held.pid))) throw busy(held);
      if (!held) {
        // Empty or torn: a writer between creating and filling it, or one that died doing so.
        const age = statSync(path, { throwIfNoEntry: false });
        if (age && Date.now() - age.mtimeMs < TORN_GRACE_MS) throw busy(undefined);
      }
      rmSync(path, { force: true });
    }
    throw new InputError(`could not lock store ${storeDir}: another process keeps taking it`);
  }

  /**
   * The lock, waiting for it while another process holds it (workers of one store take turns
   * to write): polled every 50-250 ms for up to `timeoutMs`.
   */
  static async acquireWaiting(storeDir: string, timeoutMs = 600_000): Promise<WriteLock> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        return WriteLock.acquire(storeDir);
      } catch (e) {
        if (!(e instanceof InputError) || !/being written|being locked/.test(e.message) || Date.now() > until)
          throw e;
      }
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
    }
  }

  /** Removes the lock file, unless another process has (wrongly) taken it over meanwhile. */
  release(): void {
    if (same(readLock(this.path), this.info)) rmSync(this.path, { force: true });
  }
}
