import { describe, expect, it } from 'vitest';
import {
  depthwiseToOihw,
  FACE_NORMALISATION,
  GrowingBuffer,
  resizeScratch,
  samePad,
  squarePadding,
  toOihw,
  validCrop,
  writeNetBatch,
  writeNetInput,
  type Normalisation,
} from '../../src/ml/face/onnx/preprocess.js';
import type { RgbPixels } from '../../src/ml/face/nets.js';

/** No normalisation: the output is the padded, resized pixel value itself. */
const RAW: Normalisation = { mean: [0, 0, 0], divisor: 1 };

/** An image from per-pixel values v: R = v, G = 2v, B = 3v (so channel mix-ups show). */
function image(width: number, height: number, values: number[]): RgbPixels {
  const data = new Uint8Array(width * height * 3);
  values.forEach((v, i) => {
    data[i * 3] = v;
    data[i * 3 + 1] = 2 * v;
    data[i * 3 + 2] = 3 * v;
  });
  return { data, width, height };
}

/** One crop through writeNetInput; returns the three planes as row-major arrays. */
function run(img: RgbPixels, size: number, centre = true, norm = RAW): [number[], number[], number[]] {
  const out = new Float32Array(3 * size * size);
  writeNetInput(img, out, 0, resizeScratch(size), centre, norm);
  const plane = size * size;
  const at = (c: number): number[] => Array.from(out.subarray(c * plane, (c + 1) * plane));
  return [at(0), at(1), at(2)];
}

describe('face net preprocessing (face-api toBatchTensor: pad to square, tf.image.resizeBilinear)', () => {
  it('places a crop in the square the way face-api padToSquare does', () => {
    // centred: round(diff / 2) after (JS rounds .5 up), the rest before
    expect(squarePadding(1, 4, true)).toEqual({ side: 4, left: 1, top: 0 });
    expect(squarePadding(2, 3, true)).toEqual({ side: 3, left: 0, top: 0 });
    expect(squarePadding(10, 4, true)).toEqual({ side: 10, left: 0, top: 3 });
    expect(squarePadding(4, 9, true)).toEqual({ side: 9, left: 2, top: 0 });
    expect(squarePadding(5, 5, true)).toEqual({ side: 5, left: 0, top: 0 });
    // not centred: all padding at the right/bottom
    expect(squarePadding(1, 4, false)).toEqual({ side: 4, left: 0, top: 0 });
    expect(squarePadding(10, 4, false)).toEqual({ side: 10, left: 0, top: 0 });
  });

  it('resizes like tfjs resizeBilinear, align_corners = false (tfjs test: 2x2 → 3x3)', () => {
    const [r, g, b] = run(image(2, 2, [2, 2, 4, 4]), 3);
    const third = 2 + 2 * Math.fround(2 / 3); // source row 2/3: 2 + (4 - 2) * 2/3
    expect(r).toEqual([2, 2, 2, third, third, third, 4, 4, 4].map(Math.fround));
    expect(g).toEqual(r.map((v) => Math.fround(2 * v)));
    expect(b).toEqual(r.map((v) => Math.fround(3 * v)));
  });

  it('downsamples by taking the floor tap when the ratio is whole (4x4 → 2x2)', () => {
    const v = Array.from({ length: 16 }, (_, i) => i * 10);
    expect(run(image(4, 4, v), 2)[0]).toEqual([0, 20, 80, 100]);
  });

  it('pads a tall crop centred with zeros and does not resize when the square is the net size', () => {
    // 1x4 column → 4x4 square, the column at x = 1 (one before, two after)
    const [r] = run(image(1, 4, [10, 20, 30, 40]), 4);
    expect(r).toEqual([0, 10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0, 40, 0, 0]);
    // not centred: at x = 0
    expect(run(image(1, 4, [10, 20, 30, 40]), 4, false)[0]).toEqual([
      10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0, 40, 0, 0, 0,
    ]);
  });

  it('pads and resizes: a 3x1 row centred in a 3x3 square, down to 2x2', () => {
    // square rows: zeros, [10 20 30], zeros; sources 0 and 1.5 on both axes
    const [r, g] = run(image(3, 1, [10, 20, 30]), 2);
    // (0, 0): the zero row; (1, 0): half of the image row's pixel 0; (1, 1): half of (20 + 30) / 2
    expect(r).toEqual([0, 0, 5, 12.5]);
    expect(g).toEqual([0, 0, 10, 25]);
  });

  it('blends padding into the edge like resizing the padded tensor does (upsampling a 2x1 to 4x4)', () => {
    // 2x1 → square 2x2 (diff 1: the zero row after); ratio 0.5: sources 0, 0.5, 1, 1.5 (clamped to 1)
    const [r] = run(image(2, 1, [40, 80]), 4);
    expect(r).toEqual([40, 60, 80, 80, 20, 30, 40, 40, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("normalises (x - face-api's mean RGB) / 255 and writes a batch planar, crop after crop", () => {
    const a = image(1, 1, [50]);
    const b: RgbPixels = { data: Uint8Array.from([200, 100, 50]), width: 1, height: 1 };
    const out = new Float32Array(2 * 3 * 2 * 2).fill(NaN);
    writeNetBatch([a, b], out, resizeScratch(2), true, FACE_NORMALISATION);
    const expected = (v: number, m: number): number => Math.fround((v - m) / 255);
    const [mr, mg, mb] = FACE_NORMALISATION.mean;
    expect(FACE_NORMALISATION.mean).toEqual([122.782, 117.001, 104.298]);
    expect(Array.from(out)).toEqual([
      ...Array<number>(4).fill(expected(50, mr)),
      ...Array<number>(4).fill(expected(100, mg)),
      ...Array<number>(4).fill(expected(150, mb)),
      ...Array<number>(4).fill(expected(200, mr)),
      ...Array<number>(4).fill(expected(100, mg)),
      ...Array<number>(4).fill(expected(50, mb)),
    ]);
  });

  it('matches a plain four-tap bilinear of the padded square on odd sizes', () => {
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const [w, h, size] of [
      [37, 52, 112],
      [203, 241, 150],
      [160, 307, 112],
      [151, 150, 150],
      [9, 5, 7],
    ] as const) {
      const img: RgbPixels = {
        data: Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rand() * 256)),
        width: w,
        height: h,
      };
      const out = new Float32Array(3 * size * size);
      writeNetInput(img, out, 0, resizeScratch(size), true, RAW);
      const { side, left, top } = squarePadding(w, h, true);
      const px = (x: number, y: number, c: number): number => {
        const cx = x - left;
        const cy = y - top;
        return cx >= 0 && cx < w && cy >= 0 && cy < h ? img.data[(cy * w + cx) * 3 + c]! : 0;
      };
      const ratio = Math.fround(side / size);
      let worst = 0;
      for (let c = 0; c < 3; c++)
        for (let oy = 0; oy < size; oy++)
          for (let ox = 0; ox < size; ox++) {
            const fy = Math.fround(oy * ratio);
            const fx = Math.fround(ox * ratio);
            const y0 = Math.floor(fy);
            const x0 = Math.floor(fx);
            const y1 = Math.min(side - 1, y0 + 1);
            const x1 = Math.min(side - 1, x0 + 1);
            const ay = fy - y0;
            const ax = fx - x0;
            const t = px(x0, y0, c) + (px(x1, y0, c) - px(x0, y0, c)) * ax;
            const bt = px(x0, y1, c) + (px(x1, y1, c) - px(x0, y1, c)) * ax;
            const v = t + (bt - t) * ay;
            worst = Math.max(worst, Math.abs(v - out[(c * size + oy) * size + ox]!));
          }
      expect(worst).toBeLessThan(1e-3);
    }
  });

  it('rejects empty or short crops', () => {
    expect(validCrop(image(2, 2, [1, 2, 3, 4]))).toBe(true);
    expect(validCrop({ data: new Uint8Array(0), width: 0, height: 3 })).toBe(false);
    expect(validCrop({ data: new Uint8Array(11), width: 2, height: 2 })).toBe(false);
  });

  it('reuses one buffer, growing it only for a larger batch', () => {
    const g = new GrowingBuffer(10);
    const a = g.view(1);
    expect(a.length).toBe(10);
    const b = g.view(3);
    expect(b.length).toBe(30);
    expect(g.view(2).buffer).toBe(b.buffer);
    expect(g.view(4).buffer).toBe(b.buffer); // grown to 4 at once (doubling)
  });

  it('converts tfjs filter layouts to ONNX and computes TF same padding', () => {
    // [kh=1, kw=2, in=2, out=3]: value = 100 x + 10 i + o
    const hwio = Float32Array.from({ length: 12 }, (_, j) => {
      const o = j % 3;
      const i = Math.floor(j / 3) % 2;
      const x = Math.floor(j / 6);
      return 100 * x + 10 * i + o;
    });
    // [out, in, kh, kw]
    expect(Array.from(toOihw(hwio, [1, 2, 2, 3]))).toEqual([
      0, 100, 10, 110, 1, 101, 11, 111, 2, 102, 12, 112,
    ]);
    // depthwise [kh=1, kw=2, c=2, 1] → [c, 1, kh, kw]
    expect(Array.from(depthwiseToOihw(Float32Array.from([1, 2, 3, 4]), [1, 2, 2, 1]))).toEqual([1, 3, 2, 4]);
    expect(samePad(112, 3, 2)).toEqual([0, 1, 56]);
    expect(samePad(56, 3, 1)).toEqual([1, 1, 56]);
    expect(samePad(7, 1, 1)).toEqual([0, 0, 7]);
  });
});
