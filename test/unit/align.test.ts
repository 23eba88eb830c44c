import { describe, expect, it } from 'vitest';
import {
  applyAffine,
  ARCFACE_TEMPLATE_112,
  fivePointsFrom68,
  invertAffine,
  similarityTransform,
  type Point,
} from '../../src/core/align.js';

describe('face alignment maths', () => {
  it('recovers a known rotation, scale and shift exactly', () => {
    const angle = 0.3;
    const s = 1.7;
    const move = (p: Point): Point => [
      s * (Math.cos(angle) * p[0] - Math.sin(angle) * p[1]) + 12,
      s * (Math.sin(angle) * p[0] + Math.cos(angle) * p[1]) - 5,
    ];
    const src = ARCFACE_TEMPLATE_112;
    const m = similarityTransform(src, src.map(move));
    for (const p of src) {
      const [x, y] = applyAffine(m, p);
      const [ex, ey] = move(p);
      expect(x).toBeCloseTo(ex, 9);
      expect(y).toBeCloseTo(ey, 9);
    }
  });

  it('maps a face found anywhere in a frame onto the 112 px template', () => {
    // the template, 3x larger, turned 10 degrees and placed at (400, 300): as a face in a frame
    const a = (10 * Math.PI) / 180;
    const face = ARCFACE_TEMPLATE_112.map(([x, y]): Point => [
      400 + 3 * (Math.cos(a) * x - Math.sin(a) * y),
      300 + 3 * (Math.sin(a) * x + Math.cos(a) * y),
    ]);
    const m = similarityTransform(face, ARCFACE_TEMPLATE_112);
    face.forEach((p, i) => {
      const [x, y] = applyAffine(m, p);
      expect(x).toBeCloseTo(ARCFACE_TEMPLATE_112[i]![0], 6);
      expect(y).toBeCloseTo(ARCFACE_TEMPLATE_112[i]![1], 6);
    });
    // and back
    const inv = invertAffine(m);
    const [bx, by] = applyAffine(inv, ARCFACE_TEMPLATE_112[2]!);
    expect(bx).toBeCloseTo(face[2]![0], 6);
    expect(by).toBeCloseTo(face[2]![1], 6);
  });

  it('takes eye centres, nose tip and mouth corners from 68 landmarks', () => {
    const lm = Array.from({ length: 68 }, (_, i): [number, number] => [i, 2 * i]);
    const five = fivePointsFrom68(lm);
    expect(five[0]).toEqual([38.5, 77]); // mean of 36..41
    expect(five[1]).toEqual([44.5, 89]); // mean of 42..47
    expect(five[2]).toEqual([30, 60]);
    expect(five[3]).toEqual([48, 96]);
    expect(five[4]).toEqual([54, 108]);
    expect(() => fivePointsFrom68(lm.slice(0, 5))).toThrow(/68 landmarks/);
  });

  it('refuses points that all coincide', () => {
    const same: Point[] = [
      [1, 1],
      [1, 1],
    ];
    expect(() => similarityTransform(same, ARCFACE_TEMPLATE_112.slice(0, 2))).toThrow(/coincide/);
  });
});
