import { describe, expect, it } from 'vitest';
import { faceLayout } from '../../src/ml/face/quality.js';
import { bestOverlapScore, verifyRegion, writeRegion } from '../../src/ml/face/onnx/ultraface.js';

/** 68 points with both eyes (36-47) at eye height, the nose tip (30) at `noseY`. */
function landmarks(eyeL: number, eyeR: number, eyeY: number, noseY: number): Array<[number, number]> {
  const lm = Array.from({ length: 68 }, (): [number, number] => [50, 50]);
  for (let i = 36; i < 42; i++) lm[i] = [eyeL, eyeY];
  for (let i = 42; i < 48; i++) lm[i] = [eyeR, eyeY];
  lm[30] = [50, noseY];
  return lm;
}

describe('face layout and verification geometry', () => {
  it('measures where the nose sits and how far apart the eyes are, as shares of the box', () => {
    const frontal = faceLayout(landmarks(30, 74, 40, 65), [10, 10, 100, 100]);
    expect(frontal.noseDrop).toBeCloseTo(0.55, 9);
    expect(frontal.eyeSpan).toBeCloseTo(0.44, 9);
    // a logo or the back of a head: the landmark net puts the nose high and the eyes together
    const junk = faceLayout(landmarks(48, 56, 30, 40), [10, 10, 100, 100]);
    expect(junk.noseDrop).toBeLessThan(0.5);
    expect(junk.eyeSpan).toBeLessThan(0.15);
    expect(faceLayout([], [0, 0, 10, 10])).toEqual({ noseDrop: 0, eyeSpan: 0 });
  });

  it('verifies a box inside a 4:3 region 2.5 times its size, centred on it', () => {
    const [x, y, w, h] = verifyRegion([100, 100, 40, 60]);
    expect(h).toBeCloseTo(150, 9);
    expect(w).toBeCloseTo(200, 9);
    expect(x + w / 2).toBeCloseTo(120, 9);
    expect(y + h / 2).toBeCloseTo(130, 9);
  });

  it("takes the best face score of the priors overlapping the expected box, not elsewhere's", () => {
    // two priors: a strong face far away, a weaker one on the expected box
    const scores = Float32Array.from([0.01, 0.99, 0.2, 0.8]);
    const boxes = Float32Array.from([0.0, 0.0, 0.1, 0.1, 0.4, 0.3, 0.6, 0.7]);
    expect(bestOverlapScore(scores, boxes, [0.4, 0.3, 0.2, 0.4])).toBeCloseTo(0.8, 6);
    expect(bestOverlapScore(scores, boxes, [0.8, 0.8, 0.1, 0.1])).toBe(0);
  });
});

describe('verifier input', () => {
  it('resamples the region into 320 x 240, grey (0 after normalising) outside the frame', () => {
    const img = { data: new Uint8Array(100 * 50 * 3).fill(255), width: 100, height: 50 };
    const out = new Float32Array(3 * 320 * 240);
    // a region whose right half lies outside the image
    writeRegion(img, [50, 0, 100, 50], out);
    const plane = 320 * 240;
    const at = (c: number, x: number, y: number): number => out[c * plane + y * 320 + x]!;
    expect(at(0, 10, 120)).toBeCloseTo((255 - 127) / 128, 6); // inside: white
    expect(at(2, 300, 120)).toBeCloseTo(0, 6); // outside: grey 127
  });
});
