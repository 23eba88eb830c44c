import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/infra/buffer-pool.js';

describe('BufferPool', () => {
  it('hands a given-back buffer out again, only for the same size', () => {
    const pool = new BufferPool(2);
    const a = pool.take(16);
    pool.give(a);
    expect(pool.take(8)).not.toBe(a);
    expect(pool.take(16)).toBe(a);
    expect(pool.idle).toBe(0);
  });

  it('never holds a buffer twice, nor more than it keeps', () => {
    const pool = new BufferPool(2);
    const [a, b, c] = [pool.take(4), pool.take(4), pool.take(4)];
    pool.give(a);
    pool.give(a);
    expect(pool.idle).toBe(1);
    pool.give(b);
    pool.give(c);
    expect(pool.idle).toBe(2);
    // a double give would hand one buffer to two frames at once
    expect(pool.take(4)).not.toBe(pool.take(4));
  });
});
