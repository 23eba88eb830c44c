import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iou } from '../../src/core/geometry.js';
import type { Box } from '../../src/core/types.js';
import { createFaceAnalyzer, type FaceAnalyzer } from '../../src/ml/face/index.js';
import { composeFaceFrame, demoSample, type FaceSource } from '../../src/ml/face/synthetic.js';

let analyzer: FaceAnalyzer;
let sources: FaceSource[];

beforeAll(async () => {
  analyzer = await createFaceAnalyzer();
  sources = [];
  for (const n of [1, 3]) {
    const image = readFileSync(demoSample(n));
    const found = await analyzer.analyzeImage(image);
    sources.push({ image, box: found[0]!.box });
  }
});

afterAll(() => analyzer.dispose());

describe('faces on motion regions (real models)', () => {
  it('finds 48 px faces in 1080p when only their motion regions are searched, in fewer passes', async () => {
    const { frame, truth } = await composeFaceFrame(sources, [48, 48, 48, 48, 48, 48], {
      background: readFileSync(demoSample(4)),
    });
    // motion boxes as the detector reports them: loose around the head, source pixels
    const regions: Box[] = truth
      .slice(0, 3)
      .map((t) => [t.box[0] - 20, t.box[1] - 30, t.box[2] + 40, t.box[3] + 80]);
    const found = await analyzer.analyzeFrame({ ...frame, regions });
    // small regions share one mosaic pass
    expect(analyzer.lastTimings.passes).toBeLessThanOrEqual(2);
    const hits = truth.slice(0, 3).filter((t) => found.some((f) => iou(f.box, t.box) >= 0.3)).length;
    expect(hits).toBe(3);
    // faces outside every region are not searched
    const outside = truth.slice(3).filter((t) => found.some((f) => iou(f.box, t.box) >= 0.3)).length;
    expect(outside).toBe(0);
  });

  it('descriptor reuse: the same face in the next analysed frame keeps its descriptor, only after resetTrackingState', async () => {
    const { frame } = await composeFaceFrame(sources, [96, 96], { background: readFileSync(demoSample(4)) });
    const first = await analyzer.analyzeFrame({ ...frame, offset: 10 });
    expect(first.every((f) => !f.descriptorReused)).toBe(true);
    const untracked = await analyzer.analyzeFrame({ ...frame, offset: 10.5 });
    expect(untracked.some((f) => f.descriptorReused)).toBe(false);
    analyzer.resetTrackingState('src-a');
    // a chain computes three descriptors before it reuses one
    await analyzer.analyzeFrame({ ...frame, offset: 9 });
    await analyzer.analyzeFrame({ ...frame, offset: 9.5 });
    const a = await analyzer.analyzeFrame({ ...frame, offset: 10 });
    const b = await analyzer.analyzeFrame({ ...frame, offset: 10.5 });
    expect(a.length).toBeGreaterThan(0);
    expect(b).toHaveLength(a.length);
    expect(a.every((f) => !f.descriptorReused && f.landmarks.length === 68)).toBe(true);
    expect(b.every((f) => f.descriptorReused && f.landmarks.length === 0)).toBe(true);
    expect(analyzer.lastTimings.reused).toBe(b.length);
    b.forEach((f, i) => expect(Array.from(f.descriptor)).toEqual(Array.from(a[i]!.descriptor)));
    // aged (>= 2 s): embedded again; a new source starts empty
    const c = await analyzer.analyzeFrame({ ...frame, offset: 11 });
    expect(c.every((f) => f.descriptorReused)).toBe(true);
    const d = await analyzer.analyzeFrame({ ...frame, offset: 12 });
    expect(d.every((f) => !f.descriptorReused)).toBe(true);
    analyzer.resetTrackingState('src-b');
    const e = await analyzer.analyzeFrame({ ...frame, offset: 12.5 });
    expect(e.every((f) => !f.descriptorReused)).toBe(true);
  });

  it('regions covering most of the frame fall back to the whole-frame search', async () => {
    const { frame, truth } = await composeFaceFrame(sources, [64, 64, 64, 64], {
      background: readFileSync(demoSample(4)),
    });
    const found = await analyzer.analyzeFrame({ ...frame, regions: [[0, 0, 1900, 1000]] });
    const hits = truth.filter((t) => found.some((f) => iou(f.box, t.box) >= 0.3)).length;
    expect(hits).toBe(4);
  });
});
