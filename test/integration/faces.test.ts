import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iou, padBox, roundBoxOut, clipBox } from '../../src/core/geometry.js';
import type { FaceDetection } from '../../src/core/types.js';
import { cosine, norm } from '../../src/core/vector.js';
import { createFaceAnalyzer, DEFAULT_FACE_THRESHOLD, type FaceAnalyzer } from '../../src/ml/face/index.js';
import { composeFaceFrame, demoSample } from '../../src/ml/face/synthetic.js';

let analyzer: FaceAnalyzer;
let sample: Buffer;
let faces: FaceDetection[];

beforeAll(async () => {
  analyzer = await createFaceAnalyzer();
  sample = readFileSync(demoSample(3));
  faces = await analyzer.analyzeImage(sample);
});

afterAll(() => analyzer.dispose());

/** A different, degraded photo of face `f`: another crop, blurred, downscaled, low-quality JPEG. */
async function degradedCrop(image: Buffer, f: FaceDetection): Promise<Buffer> {
  const meta = await sharp(image).metadata();
  const [x, y, w, h] = roundBoxOut(clipBox(padBox(f.box, 0.5), meta.width ?? 0, meta.height ?? 0));
  const shift = Math.round(f.box[2] * 0.1); // off-centre compared with the first crop
  const left = Math.max(0, x - shift);
  const crop = await sharp(image)
    .extract({ left, top: y, width: Math.min(w, (meta.width ?? 0) - left), height: h })
    .blur(1.5)
    .resize({ height: Math.round(h * 0.45) })
    .jpeg({ quality: 35 })
    .toBuffer();
  return crop;
}

describe('face analyzer (real models)', () => {
  it('finds and describes the faces of a demo photo', () => {
    expect(analyzer.backend).toBe('onnxruntime-cpu'); // never pure-JS tfjs
    expect(faces.length).toBeGreaterThanOrEqual(3);
    for (const f of faces) {
      expect(f.descriptor).toHaveLength(512); // MobileFaceNet, the default recogniser
      expect(norm(f.descriptor)).toBeCloseTo(1, 4);
      expect(f.landmarks).toHaveLength(68);
      expect(f.quality.size).toBeGreaterThan(100);
      expect(f.quality.overall).toBeGreaterThan(0);
      expect(f.quality.overall).toBeLessThanOrEqual(1);
      expect(f.thumbnail?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      // landmarks in the same (source) pixels as the box
      const [lx, ly] = f.landmarks[30]!;
      expect(lx).toBeGreaterThan(f.box[0]);
      expect(lx).toBeLessThan(f.box[0] + f.box[2]);
      expect(ly).toBeGreaterThan(f.box[1]);
      expect(ly).toBeLessThan(f.box[1] + f.box[3]);
    }
  });

  it('matches the same person in a degraded separate crop, not a different person', async () => {
    const [target, other] = [...faces].sort((a, b) => b.score - a.score);
    const query = await analyzer.analyzeImage(await degradedCrop(sample, target!));
    expect(query.length).toBeGreaterThanOrEqual(1);
    const q = [...query].sort((a, b) => b.box[3] - a.box[3])[0]!;
    const same = cosine(q.descriptor, target!.descriptor);
    const diff = cosine(q.descriptor, other!.descriptor);
    expect(same).toBeGreaterThanOrEqual(DEFAULT_FACE_THRESHOLD);
    expect(diff).toBeLessThan(DEFAULT_FACE_THRESHOLD);
  });

  it('finds the face in a small thumbnail cropped tight to the face box (as the store keeps them)', async () => {
    const [target, other] = [...faces].sort((a, b) => b.score - a.score);
    const meta = await sharp(sample).metadata();
    const [left, top, width, height] = roundBoxOut(clipBox(target!.box, meta.width ?? 0, meta.height ?? 0));
    const thumb = await sharp(sample)
      .extract({ left, top, width, height })
      .resize({ height: 96 })
      .jpeg({ quality: 80 })
      .toBuffer();
    const query = await analyzer.analyzeImage(thumb);
    expect(query).toHaveLength(1);
    const tw = (await sharp(thumb).metadata()).width ?? 0;
    // a box on the thumbnail itself, not on the padded canvas the detector saw
    expect(query[0]!.box[2]).toBeGreaterThan(tw * 0.5);
    expect(cosine(query[0]!.descriptor, target!.descriptor)).toBeGreaterThanOrEqual(DEFAULT_FACE_THRESHOLD);
    expect(cosine(query[0]!.descriptor, other!.descriptor)).toBeLessThan(DEFAULT_FACE_THRESHOLD);
  });

  it('finds 48 px faces in a 1080p frame (tiling), reported in source pixels', async () => {
    const sources = faces.filter((f) => f.score > 0.9).map((f) => ({ image: sample, box: f.box }));
    const { frame, truth } = await composeFaceFrame(sources, [48, 48, 48, 48, 48, 48], {
      background: readFileSync(demoSample(4)),
    });
    const found = await analyzer.analyzeFrame(frame);
    const hits = truth.filter((t) => found.some((f) => iou(f.box, t.box) >= 0.3)).length;
    expect(hits).toBeGreaterThanOrEqual(5);

    // the same frame decoded at half size: boxes still come back in source pixels
    const half = await sharp(frame.data, { raw: { width: 1920, height: 1080, channels: 3 } })
      .resize(960, 540)
      .raw()
      .toBuffer();
    const again = await analyzer.analyzeFrame({ ...frame, width: 960, height: 540, data: half });
    for (const f of again) expect(truth.some((t) => iou(f.box, t.box) >= 0.3)).toBe(true);
  });
});
