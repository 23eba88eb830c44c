import { afterAll, describe, expect, it } from 'vitest';
import { RedisLocks } from '../../src/infra/redis-lock.js';
import { hasRedis, startRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/temp.js';

/** The write lock of a store on object storage, on a real redis-server on 127.0.0.1. */
describe.skipIf(!hasRedis())('the store lock on Redis (queue workers of an s3:// store)', () => {
  const stops: Array<() => void> = [];
  afterAll(() => stops.forEach((s) => s()));
  const store = 's3://case/stores/one';

  it('gives the lock to one writer at a time; the next waits for the release', async () => {
    const redis = await startRedis(tempDir());
    stops.push(redis.stop);
    const a = new RedisLocks(redis.url);
    const b = new RedisLocks(redis.url);
    try {
      const order: string[] = [];
      const first = await a.acquireWaiting(store);
      order.push('a took');
      const second = b.acquireWaiting(store).then((t) => {
        order.push('b took');
        return t;
      });
      await new Promise((r) => setTimeout(r, 600));
      order.push('a releases');
      first.release();
      (await second).release();
      expect(order).toEqual(['a took', 'a releases', 'b took']);
      // another store's lock is another key
      const other = await b.acquireWaiting('s3://case/stores/two', 1000);
      other.release();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('frees the lock of a holder that is gone once its lifetime lapses, and a wait can time out', async () => {
    const redis = await startRedis(tempDir());
    stops.push(redis.stop);
    const gone = new RedisLocks(redis.url, 1500);
    await gone.acquireWaiting(store);
    await gone.close(); // stops renewing without releasing: a worker killed -9
    const next = new RedisLocks(redis.url);
    try {
      await expect(next.acquireWaiting(store, 300)).rejects.toThrow(/locked by another writer/);
      const t0 = Date.now();
      const turn = await next.acquireWaiting(store, 10_000);
      expect(Date.now() - t0).toBeLessThan(3000);
      turn.release();
    } finally {
      await next.close();
    }
  });
});
