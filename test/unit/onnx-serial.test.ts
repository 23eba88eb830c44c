import { describe, expect, it } from 'vitest';
import { oneAtATime } from '../../src/ml/onnx/session.js';

describe('oneAtATime', () => {
  it('runs calls one after another, then refuses them once disposed', async () => {
    let released = 0;
    const serial = oneAtATime({ release: () => Promise.resolve(void released++) }, 'test net');
    const order: string[] = [];
    const slow = serial.run(async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('first');
      return 1;
    });
    const fast = serial.run(() => {
      order.push('second');
      return Promise.resolve(2);
    });
    expect(await Promise.all([slow, fast])).toEqual([1, 2]);
    expect(order).toEqual(['first', 'second']);
    // a failing call does not block the next
    await expect(serial.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await serial.run(() => Promise.resolve(3))).toBe(3);
    await serial.dispose();
    await serial.dispose();
    expect(released).toBe(1);
    await expect(serial.run(() => Promise.resolve(4))).rejects.toThrow(/test net used after dispose/);
  });
});
