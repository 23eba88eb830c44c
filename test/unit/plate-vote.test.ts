import { describe, expect, it } from 'vitest';
import { clusterReadings, droppedAt, settlePlate } from '../../src/core/plate-vote.js';

const r = (text: string, conf = 0.9, per?: number[]) => ({
  text,
  charConfidences: per ?? Array.from(text, () => conf),
});

describe('settlePlate', () => {
  it('returns null for nothing', () => {
    expect(settlePlate([])).toBeNull();
    expect(settlePlate([r('')])).toBeNull();
  });
  it('keeps a single reading', () => {
    expect(settlePlate([r('LE21ABC')])).toMatchObject({ text: 'LE21ABC', agreeing: 1 });
  });
  it('votes per position, weighted by confidence', () => {
    const s = settlePlate([
      r('LE21ABC'),
      r('LE2IABC', 0.9, [0.9, 0.9, 0.9, 0.3, 0.9, 0.9, 0.9]),
      r('LEZ1ABC', 0.9, [0.9, 0.9, 0.4, 0.9, 0.9, 0.9, 0.9]),
    ]);
    expect(s?.text).toBe('LE21ABC');
    expect(s?.confidence).toBeGreaterThan(0.5);
    expect(s?.confidence).toBeLessThanOrEqual(1);
  });
  it('lets a confident minority beat an unsure majority at one position', () => {
    const s = settlePlate([
      r('KX68TYP', 0.9, [0.9, 0.9, 0.9, 0.95, 0.9, 0.9, 0.9]),
      r('KX6BTYP', 0.9, [0.9, 0.9, 0.9, 0.3, 0.9, 0.9, 0.9]),
      r('KX6BTYP', 0.9, [0.9, 0.9, 0.9, 0.3, 0.9, 0.9, 0.9]),
    ]);
    expect(s?.text).toBe('KX68TYP');
  });
  it('takes the modal length in the biggest cluster and ignores other text', () => {
    const s = settlePlate([
      r('LE21ABC'),
      r('LE21AB'),
      r('LE21ABC'),
      r('E21ABC'),
      r('SALE50'),
      r('LE21ABC', 0.5),
    ]);
    expect(s?.text).toBe('LE21ABC');
    expect(s?.agreeing).toBe(3);
  });
  it('clusters different plates apart', () => {
    const cl = clusterReadings([r('LE21ABC'), r('KX68TYP'), r('LE2IABC'), r('KX68TYR')]);
    expect(cl.map((c) => c.sort()).sort()).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });
  it('does not depend on input order', () => {
    const rs = [r('LE21ABC'), r('LE2IABC', 0.6), r('LEZ1ABC', 0.7), r('KX68TYP'), r('LE21ABC', 0.8)];
    const a = settlePlate(rs)?.text;
    const b = settlePlate([...rs].reverse())?.text;
    expect(a).toBe('LE21ABC');
    expect(b).toBe(a);
  });
});

describe('the length of a plate read short in some frames', () => {
  const r = (text: string, p = 0.95) => ({ text, charConfidences: [...text].map(() => p) });
  it('is the longer reading when the shorter ones are it with a character dropped', () => {
    const s = settlePlate([r('CCLV3', 0.97), r('CCLVN3'), r('CCLV3', 0.97), r('CCLVN3')]);
    expect(s?.text).toBe('CCLVN3');
    expect(droppedAt('CCLVN3', 'CCLV3')).toBe(4);
    expect(droppedAt('CCLVN3', 'CCLVX')).toBe(-1);
  });
  it('stays the common length when a longer reading is the odd one out', () => {
    const s = settlePlate([r('LE21ABC'), r('LE21ABC'), r('LE21ABC'), r('LE21ABCE', 0.99)]);
    expect(s?.text).toBe('LE21ABC');
  });
});

describe('a character read only in some frames', () => {
  it('counts for the length when it was read surely, not when it was an unsure mark at an edge', () => {
    const read = (text: string, confs: number[]) => ({ text, charConfidences: confs });
    const sure = settlePlate([
      read('CCLV3', [0.97, 0.97, 0.97, 0.97, 0.97]),
      read('CCLVN3', [1, 1, 1, 1, 0.99, 1]),
      read('CCLV3', [0.97, 0.97, 0.97, 0.97, 0.97]),
      read('CCLVN3', [1, 1, 1, 1, 0.99, 1]),
    ]);
    expect(sure?.text).toBe('CCLVN3');
    const mark = settlePlate([
      read('VLX039', [0.99, 0.99, 0.99, 0.99, 0.99, 0.99]),
      read('AVLX039', [0.45, 0.99, 0.99, 0.99, 0.99, 0.99, 0.98]),
      read('VLX039', [0.99, 0.99, 0.99, 0.99, 0.99, 0.99]),
      read('AVLX039', [0.45, 0.99, 0.99, 0.99, 0.99, 0.99, 0.98]),
    ]);
    expect(mark?.text).toBe('VLX039');
  });
});
