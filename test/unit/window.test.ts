import { describe, expect, it } from 'vitest';
import { parseWindowTime, windowInstant } from '../../src/core/time.js';
import { filterPredicate } from '../../src/store/filter.js';

describe('--from / --to times', () => {
  it('read a time with a zone as an instant, and one without as wall-clock time per camera', () => {
    expect(parseWindowTime('2026-03-01T09:05:00Z')).toEqual({ kind: 'utc', ms: Date.UTC(2026, 2, 1, 9, 5) });
    expect(parseWindowTime('2026-03-01 14:05+05:00')).toEqual({
      kind: 'utc',
      ms: Date.UTC(2026, 2, 1, 9, 5),
    });
    const local = parseWindowTime('2026-03-01 14:05');
    expect(local).toEqual({ kind: 'local', ms: Date.UTC(2026, 2, 1, 14, 5) });
    expect(new Date(windowInstant(local!, 'Asia/Karachi')).toISOString()).toBe('2026-03-01T09:05:00.000Z');
    expect(parseWindowTime('2026-03-01')).toEqual({ kind: 'local', ms: Date.UTC(2026, 2, 1) });
  });
  it('refuse what is not a time', () => {
    for (const bad of ['yesterday', '2026-02-30 10:00', '2026-03-01 25:00', '14:05'])
      expect(parseWindowTime(bad)).toBeNull();
  });
});

describe('window predicates', () => {
  const cols = { start: 'start_time', end: 'end_time' };
  it('are one overlap test when the times carry zones', () => {
    const f = {
      from: parseWindowTime('2026-03-01T09:05:00Z')!,
      to: parseWindowTime('2026-03-01T09:11:00Z')!,
      cameras: ['gate-a', "o'brien"],
    };
    expect(filterPredicate(f, new Map(), ['gate-a'], cols)).toBe(
      "camera IN ('gate-a', 'o''brien') AND end_time >= '2026-03-01T09:05:00.000Z' AND start_time <= '2026-03-01T09:11:00.000Z'",
    );
  });
  it('are spelt out per camera, in its own zone, for wall-clock times', () => {
    const f = { from: parseWindowTime('2026-03-01 14:05')! };
    const p = filterPredicate(f, new Map([['gate-a', 'Asia/Karachi']]), ['gate-a', 'lobby'], cols);
    expect(p).toBe(
      "(camera = 'gate-a' AND end_time >= '2026-03-01T09:05:00.000Z') OR (camera = 'lobby' AND end_time >= '2026-03-01T14:05:00.000Z')",
    );
  });
});
