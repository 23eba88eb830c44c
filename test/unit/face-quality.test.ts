import { describe, expect, it } from 'vitest';
import {
  greyPatch,
  laplacianVariance,
  overallQuality,
  poseFromLandmarks,
} from '../../src/ml/face/quality.js';

function checker(w: number, h: number, cell: number): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      out.fill(
        (Math.floor(x / cell) + Math.floor(y / cell)) % 2 ? 255 : 0,
        (y * w + x) * 3,
        (y * w + x) * 3 + 3,
      );
  return out;
}

/** 68 points of a frontal face: only the ones the pose uses matter. */
function frontal(noseDx = 0, noseDy = 0): Array<[number, number]> {
  const lm: Array<[number, number]> = Array.from({ length: 68 }, () => [50, 50]);
  lm[36] = [30, 40];
  lm[45] = [70, 40];
  lm[30] = [50 + noseDx, 64.8 + noseDy];
  lm[48] = [38, 80];
  lm[54] = [62, 80];
  return lm;
}

describe('face quality', () => {
  it('laplacian variance: flat image 0, sharp edges high, blur lower', () => {
    const flat = new Float32Array(64 * 64).fill(100);
    expect(laplacianVariance(flat, 64, 64)).toBe(0);
    const sharp = greyPatch(checker(64, 64, 4), 64, 64, [0, 0, 64, 64]);
    const blurry = greyPatch(checker(64, 64, 4), 64, 64, [0, 0, 16, 16]); // 4x upsampled: softer edges
    expect(laplacianVariance(sharp, 64, 64)).toBeGreaterThan(laplacianVariance(blurry, 64, 64));
    expect(laplacianVariance(flat, 2, 2)).toBe(0);
  });

  it('greyPatch samples luma', () => {
    const rgb = new Uint8Array(4 * 4 * 3).fill(200);
    const p = greyPatch(rgb, 4, 4, [0, 0, 4, 4], 8);
    expect(p.length).toBe(64);
    for (const v of p) expect(v).toBeCloseTo(200, 3);
  });

  it('pose: frontal ~0, nose shifted sideways gives yaw of that sign', () => {
    const f = poseFromLandmarks(frontal());
    expect(Math.abs(f.yaw)).toBeLessThan(1);
    expect(Math.abs(f.pitch)).toBeLessThan(1);
    expect(poseFromLandmarks(frontal(10)).yaw).toBeGreaterThan(20);
    expect(poseFromLandmarks(frontal(-10)).yaw).toBeLessThan(-20);
    expect(poseFromLandmarks([])).toEqual({ yaw: 0, pitch: 0 });
  });

  it('overall quality is in [0,1] and rises with size, sharpness and frontalness', () => {
    const base = { score: 0.9, size: 60, sharpness: 100, yaw: 0, pitch: 0 };
    const q = overallQuality(base);
    expect(q).toBeGreaterThan(0);
    expect(q).toBeLessThanOrEqual(1);
    expect(overallQuality({ ...base, size: 120 })).toBeGreaterThan(q);
    expect(overallQuality({ ...base, sharpness: 400 })).toBeGreaterThan(q);
    expect(overallQuality({ ...base, yaw: 60 })).toBeLessThan(q);
    expect(overallQuality({ score: 1, size: 1e4, sharpness: 1e6, yaw: 0, pitch: 0 })).toBeLessThanOrEqual(1);
  });
});
