import { describe, expect, it } from 'vitest';
import { DET_LIMIT_SIDE } from '../../src/detect/plates.js';
import { plateRegionDetSide } from '../../src/pipeline/default-stages.js';

describe('plateRegionDetSide (text detector size for a motion area)', () => {
  it('reads small areas at their own pixels', () => {
    expect(plateRegionDetSide(300, 1920)).toBe(300);
    expect(plateRegionDetSide(640, 1920)).toBe(640);
  });

  it('scales large areas down, never below the scale of a whole-frame read', () => {
    for (const frameSide of [1280, 1920, 3840]) {
      const wholeScale = Math.min(1, DET_LIMIT_SIDE / frameSide);
      for (const side of [641, 900, 1200, frameSide]) {
        const got = plateRegionDetSide(side, frameSide);
        expect(got).toBeLessThanOrEqual(side);
        // a plate in the area is at least as large as the whole-frame read shows it
        expect(got / side).toBeGreaterThanOrEqual(wholeScale - 1e-9);
      }
    }
    // a person-sized area of 1080p: 1000 px read at 640, not 960
    expect(plateRegionDetSide(1000, 1920)).toBe(640);
    // 720p is read whole at 0.75: a 1000 px area at 750
    expect(plateRegionDetSide(1000, 1280)).toBe(750);
  });

  it('keeps frames smaller than the detector limit at full size', () => {
    expect(plateRegionDetSide(700, 800)).toBe(700);
  });
});
