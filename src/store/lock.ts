import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * One writer per store: a lock file created exclusively. A lock whose process is gone (same host)
 * is stale and taken over; a live one makes the second writer stop with exit 2. Readers need no lock.
 */
export class WriteLock {
  private constructor(private readonly path: string) {}

  static acquire(storeDir: string): WriteLock {
    const path = join(storeDir, 'write.lock');
    const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, JSON.stringify(info), { flag: 'wx' });
        return new WriteLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EROFS' || (e as NodeJS.ErrnoException).code === 'EACCES') {
          throw new InputError(`store ${storeDir} is read-only: index into a writable --store`);
        }
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        let held: LockInfo | undefined;
        try {
          held = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
        } catch {
          held = undefined; // torn or empty lock file: its writer died while writing it
        }
        if (held && (held.host !== hostname() || alive(held.pid))) {
          throw new InputError(
            `store ${storeDir} is being written by another sightline (pid ${held.pid} on ${held.host} since ${held.since}): wait for it to finish, or use another --store`,
          );
        }
        rmSync(path, { force: true });
      }
    }
    throw new InputError(`could not lock store ${storeDir}: another process keeps taking it`);
  }

  release(): void {
    rmSync(this.path, { force: true });
  }
}
