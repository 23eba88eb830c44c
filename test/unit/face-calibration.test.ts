import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RECOGNIZER_ID,
  faceCalibration,
  falseMatchAt,
  matchStrength,
  queryCondition,
  readCalibrations,
  type ConditionCalibration,
} from '../../src/ml/face/calibration.js';

const cal: ConditionCalibration = {
  search: 0.5,
  measuredOn: 'test pairs',
  comparisons: 2000,
  falseMatch: [
    { score: 0.2, rate: 0.1, count: 200 },
    { score: 0.4, rate: 0.02, count: 40 },
    { score: 0.5, rate: 0.005, count: 10 },
    { score: 0.6, rate: 0.0005, count: 1 },
    { score: 0.7, rate: 0, count: 0 },
  ],
};

describe('face score calibration', () => {
  it('reads the rate of the highest measured score at or below', () => {
    expect(falseMatchAt(cal, 0.45)).toEqual({ rate: 0.02, count: 40 });
    expect(falseMatchAt(cal, 0.1)).toEqual({ rate: 1, count: 2000 });
  });

  it('states strength in words, never stronger than the comparisons measured can show', () => {
    expect(matchStrength(cal, 0.45).band).toBe('weak');
    expect(matchStrength(cal, 0.55).band).toBe('moderate');
    expect(matchStrength(cal, 0.65).band).toBe('strong');
    const none = matchStrength(cal, 0.9);
    expect(none.band).toBe('strong');
    expect(none.falseMatchRate).toBe(0.0005);
    expect(none.statement).toMatch(/none of 2,000 different-person comparisons \(test pairs\)/);
    expect(matchStrength(cal, 0.3).band).toBe('inconclusive');
    // few comparisons: no score can be called strong
    const few = { ...cal, comparisons: 400, falseMatch: [{ score: 0.7, rate: 0, count: 0 }] };
    expect(matchStrength(few, 0.95).band).toBe('moderate');
  });

  it('has a calibration for each shipped recogniser, with rising scores and falling rates', () => {
    const all = readCalibrations();
    expect(Object.keys(all).sort()).toEqual(['face-api/face_recognition', 'faceplugin/mobilefacenet-512']);
    for (const c of Object.values(all))
      for (const cond of [c.cctv, c.photo]) {
        for (let i = 1; i < cond.falseMatch.length; i++) {
          expect(cond.falseMatch[i]!.score).toBeGreaterThan(cond.falseMatch[i - 1]!.score);
          expect(cond.falseMatch[i]!.rate).toBeLessThanOrEqual(cond.falseMatch[i - 1]!.rate);
        }
        expect(cond.comparisons).toBeGreaterThan(100);
      }
    // a face model id names its recogniser last
    expect(
      faceCalibration(`face-api/ssd_mobilenetv1@int8+faceplugin/ultraface-rfb-320+${DEFAULT_RECOGNIZER_ID}`)
        .recognizer,
    ).toBe(DEFAULT_RECOGNIZER_ID);
  });

  it('treats a small or soft query face as CCTV, a large clear one as a photo', () => {
    const c = faceCalibration(DEFAULT_RECOGNIZER_ID);
    expect(queryCondition(c, { height: 90, norm: 4 })).toBe('cctv');
    expect(queryCondition(c, { height: 400, norm: 1.5 })).toBe('cctv');
    expect(queryCondition(c, { height: 400, norm: 4 })).toBe('photo');
    // CCTV against CCTV needs the higher score: look-alikes filmed alike score high
    expect(c.cctv.search).toBeGreaterThan(c.photo.search);
  });
});
