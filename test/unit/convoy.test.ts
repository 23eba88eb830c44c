import { describe, expect, it } from 'vitest';
import { companions, gapSeconds, type CoSighting } from '../../src/core/convoy.js';

const t = (min: number, sec = 0): string =>
  `2026-03-01T09:${String(min).padStart(2, '0')}:${String(sec).padStart(2, '0')}.000Z`;

describe('travelling together', () => {
  const subject = [
    { camera: 'gate-a', startTime: t(0), endTime: t(0, 5) },
    { camera: 'gate-b', startTime: t(10), endTime: t(10, 5) },
    { camera: 'gate-c', startTime: t(20), endTime: t(20, 5) },
  ];
  const co = (key: string, w: number, camera: string, start: string, end: string): CoSighting => ({
    key,
    with: w,
    camera,
    trackId: `${key}-${w}-${start}`,
    startTime: start,
    endTime: end,
  });
  it('keeps companions seen with the subject at two or more cameras within the window', () => {
    const found = companions(
      subject,
      [
        co('KX68TYP', 0, 'gate-a', t(0, 20), t(0, 25)), // 15 s after
        co('KX68TYP', 1, 'gate-b', t(9, 50), t(9, 55)), // 5 s before
        co('KX68TYP', 1, 'gate-b', t(10, 1), t(10, 3)), // overlapping: the nearer one is kept
        co('AB12CDE', 0, 'gate-a', t(0, 10), t(0, 12)), // one camera only: chance
        co('YY11ZZZ', 0, 'gate-a', t(0, 2), t(0, 3)),
        co('YY11ZZZ', 2, 'gate-c', t(21, 40), t(21, 45)), // 95 s after: outside ±60 s
        co('LE21ABC', 0, 'gate-a', t(0, 2), t(0, 4)),
        co('LE21ABC', 1, 'gate-b', t(10, 2), t(10, 4)),
        co('LE21ABC', 2, 'gate-c', t(20, 2), t(20, 4)),
      ],
      60,
    );
    expect(found.map((c) => [c.key, c.cameras, c.times])).toEqual([
      ['LE21ABC', ['gate-a', 'gate-b', 'gate-c'], 3],
      ['KX68TYP', ['gate-a', 'gate-b'], 2],
    ]);
    expect(found[1]!.shared.map((s) => s.gapSeconds)).toEqual([15, 0]);
  });
  it('measures the gap between two spans, 0 when they overlap', () => {
    expect(gapSeconds({ startTime: t(0), endTime: t(0, 5) }, { startTime: t(0, 8), endTime: t(0, 9) })).toBe(
      3,
    );
    expect(gapSeconds({ startTime: t(0, 8), endTime: t(0, 9) }, { startTime: t(0), endTime: t(0, 5) })).toBe(
      3,
    );
    expect(gapSeconds({ startTime: t(0), endTime: t(0, 5) }, { startTime: t(0, 4), endTime: t(0, 9) })).toBe(
      0,
    );
  });
});
