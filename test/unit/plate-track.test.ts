import { describe, expect, it } from 'vitest';
import { trackPlates, type FrameReadings } from '../../src/track/plates.js';
import type { Box, PlateReading } from '../../src/core/types.js';

function reading(text: string, box: Box, conf = 0.9): PlateReading {
  return {
    box,
    raw: text,
    text,
    confidence: conf,
    charConfidences: Array.from(text, () => conf),
    alternatives: Array.from(text, () => []),
  };
}

function frames(list: Array<[number, PlateReading[]]>): FrameReadings[] {
  return list.map(([offset, readings]) => ({
    frame: Math.round(offset * 25),
    offset,
    pts: offset + 1,
    readings,
  }));
}

describe('trackPlates', () => {
  it('does not link different plates shown one after another at the same place', () => {
    const box: Box = [600, 400, 90, 30];
    const f = frames([
      [0, [reading('RK755AJ', box)]],
      [0.5, [reading('RK755AJ', box)]],
      [1.0, [reading('RK115AN', box)]],
      [1.5, [reading('RK115AN', box)]],
    ]);
    const t = trackPlates(f);
    expect(t.map((x) => x.text)).toEqual(['RK755AJ', 'RK115AN']);
  });

  it('links a moving plate across frames and settles its text', () => {
    const f = frames([
      [0, [reading('LE21ABC', [100, 300, 80, 20])]],
      [0.5, [reading('LE2IABC', [140, 300, 82, 21], 0.7)]],
      [1.0, [reading('LE21ABC', [180, 302, 84, 21])]],
      [1.5, [reading('LEZ1ABC', [220, 304, 86, 22], 0.6)]],
    ]);
    const t = trackPlates(f);
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ text: 'LE21ABC', startOffset: 0, endOffset: 1.5, agreeing: 2 });
    expect(t[0]?.readings).toHaveLength(4);
    expect(t[0]?.best.reading.text).toBe('LE21ABC');
    expect(t[0]?.best.reading.confidence).toBe(0.9);
  });

  it('keeps two vehicles in one frame apart', () => {
    const f = frames([
      [0, [reading('LE21ABC', [100, 300, 80, 20]), reading('KX68TYP', [600, 320, 80, 20])]],
      [0.5, [reading('KX6BTYP', [580, 320, 80, 20]), reading('LE21ABC', [120, 300, 80, 20])]],
      [1, [reading('LE21ABC', [140, 300, 80, 20]), reading('KX68TYP', [560, 320, 80, 20])]],
    ]);
    const t = trackPlates(f);
    expect(t.map((x) => x.text).sort()).toEqual(['KX68TYP', 'LE21ABC']);
    for (const x of t) expect(x.readings).toHaveLength(3);
  });

  it('allows gaps up to maxGap and splits beyond', () => {
    const f = frames([
      [0, [reading('LE21ABC', [100, 300, 80, 20])]],
      [2, [reading('LE21ABC', [100, 300, 80, 20])]],
      [10, [reading('LE21ABC', [100, 300, 80, 20])]],
    ]);
    const t = trackPlates(f);
    expect(t.map((x) => [x.startOffset, x.endOffset])).toEqual([
      [0, 2],
      [10, 10],
    ]);
  });

  it('does not link different text at the same place', () => {
    const f = frames([
      [0, [reading('LE21ABC', [100, 300, 80, 20])]],
      [0.5, [reading('KX68TYP', [100, 300, 80, 20])]],
    ]);
    expect(trackPlates(f)).toHaveLength(2);
  });

  it('links identical text that jumped far between samples', () => {
    const f = frames([
      [0, [reading('LE21ABC', [0, 300, 80, 20])]],
      [1, [reading('LE21ABC', [1000, 300, 80, 20])]],
    ]);
    expect(trackPlates(f)).toHaveLength(1);
  });

  it('sorts frames by offset and drops short tracks on request', () => {
    const f = frames([
      [1, [reading('LE21ABC', [100, 300, 80, 20])]],
      [0, [reading('LE21ABC', [100, 300, 80, 20])]],
      [0.5, [reading('KX68TYP', [600, 300, 80, 20])]],
    ]);
    const t = trackPlates(f, { minReadings: 2 });
    expect(t).toHaveLength(1);
    expect(t[0]?.startOffset).toBe(0);
  });
});
