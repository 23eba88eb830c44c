import { describe, expect, it } from 'vitest';
import { preferZoomed } from '../../src/detect/plates.js';
import type { PlateReading } from '../../src/core/types.js';

const reading = (
  text: string,
  confidence: number,
  box: PlateReading['box'],
): PlateReading & { score: number } => ({
  box,
  raw: text,
  text,
  confidence,
  charConfidences: [...text].map(() => confidence),
  alternatives: [...text].map(() => []),
  score: confidence,
});

describe('first-pass and zoomed readings of one place', () => {
  it('keep the more confident reading of a plate read twice, and readings elsewhere', () => {
    const first = [reading('HK70', 0.7, [100, 100, 60, 30]), reading('AB12CD', 0.95, [500, 100, 80, 30])];
    const zoomed = [reading('HK0E7C', 0.9, [98, 101, 66, 30])];
    const out = preferZoomed(first, zoomed).map((r) => r.text);
    expect(out).toContain('HK0E7C');
    expect(out).not.toContain('HK70');
    expect(out).toContain('AB12CD');
  });
  it('keep the first reading when the zoomed one is less sure', () => {
    const out = preferZoomed(
      [reading('LE21ABC', 0.97, [0, 0, 100, 25])],
      [reading('LE2IABC', 0.6, [1, 0, 99, 25])],
    );
    expect(out.map((r) => r.text)).toEqual(['LE21ABC']);
  });
});
