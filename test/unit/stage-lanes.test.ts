import { describe, expect, it } from 'vitest';
import { StageLanes } from '../../src/pipeline/process-source.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stage lanes', () => {
  it('lets a fast stage run ahead of a slow one, hands results over in frame order', async () => {
    const started: string[] = [];
    const lanes = new StageLanes<number, string, string>(
      async (f) => {
        started.push(`a${f}`);
        await sleep(f === 0 ? 40 : 1); // frame 0 is heavy for stage a
        return [`a${f}`];
      },
      async (f) => {
        started.push(`b${f}`);
        await sleep(5);
        return [`b${f}`];
      },
      4,
    );
    const done: string[] = [];
    for (let f = 0; f < 4; f++) await lanes.run(f, (a, b) => done.push(`${a[0]}+${b[0]}`));
    await lanes.drain();
    expect(done).toEqual(['a0+b0', 'a1+b1', 'a2+b2', 'a3+b3']);
    // stage b went on to frames 1..3 while stage a was still on frame 0
    expect(started.indexOf('b3')).toBeLessThan(started.indexOf('a1'));
  });

  it('holds at most `lag` frames in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = async (f: number) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep(2);
      inFlight--;
      return [f];
    };
    const lanes = new StageLanes<number, number, number>(slow, undefined, 2);
    let pending = 0;
    let mostPending = 0;
    for (let f = 0; f < 10; f++) {
      pending++;
      mostPending = Math.max(mostPending, pending);
      await lanes.run(f, () => pending--);
    }
    await lanes.drain();
    expect(pending).toBe(0);
    expect(mostPending).toBeLessThanOrEqual(3);
    expect(most).toBe(1);
  });

  it('throws the first error of a stage', async () => {
    const lanes = new StageLanes<number, number, number>(
      async (f) => {
        if (f === 1) throw new Error('decoder broke');
        return [f];
      },
      async (f) => [f],
      1,
    );
    const run = async () => {
      for (let f = 0; f < 5; f++) await lanes.run(f, () => undefined);
      await lanes.drain();
    };
    await expect(run()).rejects.toThrow('decoder broke');
  });
});
