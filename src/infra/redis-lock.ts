/**
 * A store's write lock on Redis, for a store on object storage written by queue workers on
 * several machines (the lock file of store/lock.ts is seen by one machine only). One key a store,
 * set only when absent, with a lifetime renewed while held: a holder killed with -9 frees it when
 * the lifetime lapses. Released by a compare-and-delete, so a holder whose key lapsed never frees
 * another's.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { InputError } from '../errors.js';
import { isObjectStore } from '../store/location.js';
import { type Turn, WriteLock } from '../store/lock.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export function lockKey(store: string): string {
  return `sightline:write-lock:${createHash('sha256').update(store).digest('hex').slice(0, 32)}`;
}

export class RedisLocks {
  private client: Promise<Redis> | undefined;
  private readonly renewing = new Set<NodeJS.Timeout>();

  /** `ttlMs`: how long a lock outlives its holder (renewed every third of it while held). */
  constructor(
    private readonly url: string,
    private readonly ttlMs = 30_000,
  ) {}

  private redis(): Promise<Redis> {
    this.client ??= import('ioredis').then(
      ({ Redis }) => new Redis(this.url, { maxRetriesPerRequest: null }),
    );
    return this.client;
  }

  /** The lock of `store`, waiting (polled every 50-250 ms) while another holds it. */
  async acquireWaiting(store: string, timeoutMs = 600_000): Promise<Turn> {
    const r = await this.redis();
    const key = lockKey(store);
    const token = JSON.stringify({
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
      id: randomUUID(),
    });
    const until = Date.now() + timeoutMs;
    while ((await r.set(key, token, 'PX', this.ttlMs, 'NX')) !== 'OK') {
      if (Date.now() > until) {
        throw new InputError(
          `store ${store} has been locked by another writer for ${Math.round(timeoutMs / 1000)} s (${(await r.get(key)) ?? 'now free'}): wait for it to finish, or use another --store`,
        );
      }
      await new Promise((res) => setTimeout(res, 50 + Math.random() * 200));
    }
    const renew = setInterval(
      () => void r.eval(RENEW, 1, key, token, String(this.ttlMs)).catch(() => undefined),
      Math.max(100, Math.floor(this.ttlMs / 3)),
    );
    renew.unref();
    this.renewing.add(renew);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        clearInterval(renew);
        this.renewing.delete(renew);
        // commands on one connection run in order: this process's next turn waits for this delete
        void r.eval(RELEASE, 1, key, token).catch(() => undefined);
      },
    };
  }

  /** Closes the connection; a lock still held is not released (it lapses, as a killed holder's). */
  async close(): Promise<void> {
    for (const t of this.renewing) clearInterval(t);
    this.renewing.clear();
    const c = this.client;
    this.client = undefined;
    if (c) await (await c).quit().catch(() => undefined);
  }
}

/**
 * The write turns of the stores of a queue run: on the queue's Redis for a store on object storage
 * (its writers may be on other machines), through the store's lock file otherwise. Redis is
 * connected only when an object store first asks.
 */
export function storeTurns(url: string): { turn(store: string): Promise<Turn>; close(): Promise<void> } {
  const locks = new RedisLocks(url);
  return {
    turn: (store) => (isObjectStore(store) ? locks.acquireWaiting(store) : WriteLock.acquireWaiting(store)),
    close: () => locks.close(),
  };
}
