import { describe, expect, it } from 'vitest';
import {
  components,
  coverage,
  diffMask,
  dilate,
  greyDownscale,
  growBox,
  mergeBoxes,
  updateBackground,
} from '../../src/core/motion.js';
import type { Frame } from '../../src/core/types.js';
import { createMotionDetector } from '../../src/detect/motion.js';
import { prefetch } from '../../src/pipeline/process-source.js';

function rgbFrame(w: number, h: number, fill: number, square?: [number, number, number]): Frame {
  const data = Buffer.alloc(w * h * 3, fill);
  if (square) {
    const [x0, y0, s] = square;
    for (let y = y0; y < y0 + s; y++) data.fill(250, (y * w + x0) * 3, (y * w + x0 + s) * 3);
  }
  return { index: 0, pts: 0, offset: 0, width: w, height: h, data, sourceWidth: w * 2, sourceHeight: h * 2 };
}

describe('motion maths', () => {
  it('greyDownscale averages areas to luma', () => {
    const rgb = new Uint8Array(8 * 4 * 3).fill(100);
    const g = greyDownscale(rgb, 8, 4, 4, 2);
    expect(g.length).toBe(8);
    expect([...g].every((v) => v === 100)).toBe(true);
  });

  it('diffMask, dilate and components find one blob per moving object', () => {
    const w = 20;
    const h = 10;
    const grey = new Uint8Array(w * h).fill(50);
    const bg = Float32Array.from(grey);
    grey[3 * w + 4] = 200;
    grey[3 * w + 5] = 200;
    grey[7 * w + 15] = 200;
    const mask = diffMask(grey, bg, 16);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(3);
    const comps = components(dilate(mask, w, h, 1), w, h);
    expect(comps).toHaveLength(2);
    expect(comps[0]!.box).toEqual([3, 2, 4, 3]);
  });

  it('updateBackground moves towards the frame by alpha', () => {
    const bg = new Float32Array([0, 100]);
    updateBackground(bg, new Uint8Array([100, 100]), 0.25);
    expect([...bg]).toEqual([25, 100]);
  });

  it('mergeBoxes joins overlapping and near boxes, keeps far ones', () => {
    const merged = mergeBoxes(
      [
        [0, 0, 10, 10],
        [12, 0, 10, 10],
        [100, 100, 5, 5],
      ],
      3,
    );
    expect(merged).toEqual([
      [0, 0, 22, 10],
      [100, 100, 5, 5],
    ]);
  });

  it('growBox pads and clips to the image', () => {
    expect(growBox([5, 5, 10, 10], 10, 0, 100, 100)).toEqual([0, 0, 25, 25]);
  });

  it('coverage of the union of boxes', () => {
    expect(coverage([[0, 0, 50, 100]], 100, 100, 10)).toBeCloseTo(0.5);
    expect(
      coverage(
        [
          [0, 0, 50, 100],
          [0, 0, 50, 100],
        ],
        100,
        100,
        10,
      ),
    ).toBeCloseTo(0.5);
  });
});

describe('motion detector', () => {
  it('first frame is all new, a still frame has no motion, a moving square is boxed in source pixels', () => {
    const md = createMotionDetector({ width: 64 });
    expect(md.detect(rgbFrame(128, 64, 40)).first).toBe(true);
    expect(md.detect(rgbFrame(128, 64, 40)).boxes).toEqual([]);
    const m = md.detect(rgbFrame(128, 64, 40, [40, 20, 16]));
    expect(m.boxes).toHaveLength(1);
    const [x, y, w, h] = m.boxes[0]!;
    // the square is at 80..112, 40..72 in source pixels (frame is half size)
    expect(x).toBeLessThanOrEqual(80);
    expect(y).toBeLessThanOrEqual(40);
    expect(x + w).toBeGreaterThanOrEqual(112);
    expect(y + h).toBeGreaterThanOrEqual(72);
    expect(w).toBeLessThan(60);
    expect(m.coverage).toBeLessThan(0.2);
  });
});

describe('prefetch', () => {
  async function* count(n: number, log: number[]): AsyncGenerator<number> {
    for (let i = 0; i < n; i++) {
      log.push(i);
      yield i;
    }
  }

  it('yields every item in order and reads at most depth ahead', async () => {
    const log: number[] = [];
    const seen: number[] = [];
    for await (const v of prefetch(count(10, log), 3)) {
      seen.push(v);
      expect(log.length).toBeLessThanOrEqual(v + 1 + 3);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('surfaces an error at its place', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('boom');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const v of prefetch(failing(), 2)) seen.push(v);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([1]);
  });
});

describe('mosaic packing', () => {
  it('packs small areas into shared canvases without overlap, each inside the side', async () => {
    const { packAreas } = await import('../../src/ml/face/area-search.js');
    const areas: Array<[number, number, number, number]> = [
      [0, 0, 256, 256],
      [900, 100, 300, 256],
      [1500, 600, 256, 300],
      [10, 700, 400, 400],
    ];
    const bins = packAreas(areas, 640, 16);
    expect(bins.flat()).toHaveLength(4);
    expect(bins.length).toBeLessThan(4);
    for (const bin of bins) {
      for (const p of bin) {
        expect(p.x + p.area[2]).toBeLessThanOrEqual(640);
        expect(p.y + p.area[3]).toBeLessThanOrEqual(640);
        for (const q of bin) {
          if (p === q) continue;
          const apart =
            p.x + p.area[2] <= q.x ||
            q.x + q.area[2] <= p.x ||
            p.y + p.area[3] <= q.y ||
            q.y + q.area[3] <= p.y;
          expect(apart).toBe(true);
        }
      }
    }
  });
});
