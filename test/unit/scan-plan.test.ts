import { describe, expect, it } from 'vitest';
import { newScanState, noteFound, planScan } from '../../src/core/scan-plan.js';
import type { Box } from '../../src/core/types.js';

const W = 1920;
const H = 1080;
const at = (offset: number, regions?: Box[]) => ({
  offset,
  width: W,
  height: H,
  ...(regions ? { regions } : {}),
});
const person: Box = [800, 200, 300, 800];

describe('scan plan (plates, faces)', () => {
  it('reads a person walking about once a second, not on every 2 fps sample', () => {
    const s = newScanState();
    const reads = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5].map((t) => {
      const p = planScan(s, at(t, [[person[0] + 40 * t, person[1], person[2], person[3]]]));
      return p.reason === 'none' ? 0 : 1;
    });
    expect(reads).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
  });

  it('reads new motion at once between scans (a vehicle entering far from the person)', () => {
    const s = newScanState();
    planScan(s, at(0, [person]));
    const car: Box = [50, 700, 400, 250];
    const p = planScan(s, at(0.5, [person, car]));
    expect(p.reason).toBe('new-motion');
    expect(p.areas).toEqual([car]);
    // the car is now known: the next sample before the scan is due reads nothing
    expect(planScan(s, at(0.6, [person, [car[0] + 30, car[1], car[2], car[3]]])).reason).toBe('none');
  });

  it('follows a read plate on every sample while it moves, then lets a still plate go', () => {
    const s = newScanState();
    planScan(s, at(0, [person]));
    noteFound(s, 0, [[1000, 900, 120, 30]]);
    const p = planScan(s, at(0.5, [person]));
    expect(p.reason).toBe('hot');
    // the area around the plate: its width to each side, twice its height above and below
    expect(p.areas).toEqual([[880, 840, 360, 60 + 30 + 60]]);
    // moved 60 px: renewed; read again at 1.5 s through the scan, at 2.5 s still followed
    noteFound(s, 0.5, [[1060, 900, 120, 30]]);
    planScan(s, at(1.5, [person]));
    expect(planScan(s, at(1.8, [person])).reason).toBe('hot');
    // a plate that stays put does not renew itself: gone after 1.5 s
    const still = newScanState();
    noteFound(still, 0, [[100, 100, 120, 30]]);
    noteFound(still, 1, [[102, 100, 120, 30]]);
    const rare = { scanSeconds: 10, quietScanSeconds: 10, quietAfterSeconds: 10, hotSeconds: 1.5 };
    expect(planScan(still, at(0.2), rare).reason).toBe('scan');
    expect(planScan(still, at(1.4), rare).reason).toBe('hot');
    expect(planScan(still, at(1.6), rare).reason).toBe('none');
  });

  it('reads the whole frame when motion is everywhere while the last scan read only parts', () => {
    const s = newScanState();
    planScan(s, at(0, [person]));
    expect(planScan(s, at(0.5))).toEqual({ areas: 'all', reason: 'new-motion' });
    // and not again until the next scan is due
    expect(planScan(s, at(0.7)).reason).toBe('none');
    expect(planScan(s, at(1.6))).toEqual({ areas: 'all', reason: 'scan' });
  });

  it('scans every 2 s once nothing was found for 10 s; a find brings back every second', () => {
    const s = newScanState();
    const scans = (from: number, to: number): number[] => {
      const out: number[] = [];
      for (let t = from; t < to; t += 0.5) if (planScan(s, at(t, [person])).reason === 'scan') out.push(t);
      return out;
    };
    // the first 10 s of a source: every second
    expect(scans(0, 10.5)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // nothing found: every 2 s
    expect(scans(10.5, 16.5)).toEqual([12, 14, 16]);
    // new motion is still read at once
    expect(planScan(s, at(16.5, [person, [50, 700, 400, 250]])).reason).toBe('new-motion');
    // a plate read: every second again (its neighbourhood every sample)
    noteFound(s, 17, [[100, 750, 120, 30]]);
    expect(scans(17, 21).filter((t) => t >= 18)).toEqual([18, 19, 20]);
  });
});
