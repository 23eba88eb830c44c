import { createHash } from 'node:crypto';
import type { Tensor3D } from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipBox, roundBoxOut } from '../../src/core/geometry.js';
import type { Box } from '../../src/core/types.js';
import type { RgbPixels } from '../../src/ml/face/nets.js';
import { buildLandmark68Graph, createOnnxLandmarks } from '../../src/ml/face/onnx/landmarks.js';
import { buildFaceRecognitionGraph, createOnnxRecognizer } from '../../src/ml/face/onnx/recognition.js';
import { getFaceRuntime, loadWeightMap, type FaceRuntime } from '../../src/ml/face/runtime.js';
import { demoSample } from '../../src/ml/face/synthetic.js';
import { loadFaceApiWeights } from '../../src/ml/onnx/weights.js';

type FaceApi = FaceRuntime['faceapi'];
type Landmarks = InstanceType<FaceApi['FaceLandmarks68']>;
type NetInput = Parameters<InstanceType<FaceApi['FaceLandmark68Net']>['detectLandmarks']>[0];

/** A crop both ways: face-api's tensor (extractFaceTensors) and the same integer box from raw RGB. */
interface Crop {
  name: string;
  box: Box;
  rgb: RgbPixels;
  ref: Tensor3D;
}

/** The crops of one demo photo: one batch, as the analyzer runs them per frame. */
interface Photo {
  crops: Crop[];
  /** Aligned crops (face-api landmarks → dlib alignment), the recogniser's real input. */
  aligned: Crop[];
}

let rt: FaceRuntime;
let refLandmarks: InstanceType<FaceApi['FaceLandmark68Net']>;
let refRecognition: InstanceType<FaceApi['FaceRecognitionNet']>;
let lm: Awaited<ReturnType<typeof createOnnxLandmarks>>;
let rec: Awaited<ReturnType<typeof createOnnxRecognizer>>;
const photos: Photo[] = [];

function cropRgb(img: RgbPixels, [x, y, w, h]: Box): RgbPixels {
  const data = new Uint8Array(w * h * 3);
  for (let r = 0; r < h; r++) {
    const at = ((y + r) * img.width + x) * 3;
    data.set(img.data.subarray(at, at + w * 3), r * w * 3);
  }
  return { data, width: w, height: h };
}

async function crops(img: RgbPixels, t: Tensor3D, named: Array<[string, Box]>): Promise<Crop[]> {
  const { faceapi } = rt;
  const rects = named.map(([, b]) => new faceapi.Rect(b[0], b[1], b[2], b[3]));
  const refs = (await faceapi.extractFaceTensors(t as never, rects)) as unknown as Tensor3D[];
  expect(refs.length).toBe(named.length);
  return named.map(([name, box], i) => ({ name, box, rgb: cropRgb(img, box), ref: refs[i]! }));
}

async function referenceLandmarks(cs: Crop[]): Promise<Landmarks[]> {
  const out = await refLandmarks.detectLandmarks(cs.map((c) => c.ref) as unknown as NetInput);
  return (Array.isArray(out) ? out : [out]) as Landmarks[];
}

async function referenceDescriptors(cs: Crop[]): Promise<Float32Array[]> {
  const out = await refRecognition.computeFaceDescriptor(cs.map((c) => c.ref) as unknown as NetInput);
  return Array.isArray(out) ? out : [out];
}

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return d / Math.sqrt(na * nb);
}

function l2(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

beforeAll(async () => {
  process.env.SIGHTLINE_TF_BACKEND = 'wasm';
  rt = await getFaceRuntime('cpu');
  const { faceapi, tf } = rt;
  const ssd = new faceapi.SsdMobilenetv1();
  ssd.loadFromWeightMap(loadWeightMap(tf, 'face-api/ssd_mobilenetv1') as never);
  refLandmarks = new faceapi.FaceLandmark68Net();
  refLandmarks.loadFromWeightMap(loadWeightMap(tf, 'face-api/face_landmark_68') as never);
  refRecognition = new faceapi.FaceRecognitionNet();
  refRecognition.loadFromWeightMap(loadWeightMap(tf, 'face-api/face_recognition') as never);
  lm = await createOnnxLandmarks();
  rec = await createOnnxRecognizer();

  for (let n = 1; n <= 6; n++) {
    const { data, info } = await sharp(demoSample(n))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const img: RgbPixels = {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
    };
    const t = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32') as Tensor3D;
    try {
      const dets = await ssd.locateFaces(
        t as never,
        new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }),
      );
      const fit = (b: Box): Box => roundBoxOut(clipBox(b, img.width, img.height));
      const faces = dets.map((d) => fit([d.box.x, d.box.y, d.box.width, d.box.height]));
      expect(faces.length).toBeGreaterThan(0);
      const named: Array<[string, Box]> = faces.map((b, i) => [`sample${n} face${i}`, b]);
      // face boxes are portrait; add other shapes: landscape (padding above/below), square at the
      // nets' own sizes (no resize), small (upsampled), an odd size difference (uneven padding)
      const [x, y, w, h] = faces[0]!;
      const cx = x + w / 2;
      const cy = y + h / 2;
      const at = (bw: number, bh: number): Box =>
        fit([Math.round(cx - bw / 2), Math.round(cy - bh / 2), bw, bh]);
      const extra: Array<[string, Box]> = [
        [`sample${n} wide`, fit([x - Math.round(w * 0.4), y, Math.round(w * 1.8), h])],
        [`sample${n} ${112 + n}x${113 + 2 * n}`, at(112 + n, 113 + 2 * n)],
      ];
      if (n === 1) extra.push(['112x112', at(112, 112)], ['150x150', at(150, 150)], ['41x30', at(41, 30)]);
      if (n === 2) extra.push(['150x151', at(150, 151)], ['60x75', at(60, 75)]);
      const cs = await crops(img, t, [...named, ...extra]);
      // aligned crops of the detected faces, the analyzer's way (face-api landmarks → dlib box)
      const lms = await referenceLandmarks(cs.slice(0, faces.length));
      const alignedBoxes = lms.map((l, i): [string, Box] => {
        const b = faces[i]!;
        const r = l.shiftBy(b[0], b[1]).align(null, { useDlibAlignment: true });
        const c = fit([r.x, r.y, r.width, r.height]);
        return [`sample${n} aligned${i}`, [c[0], c[1], Math.max(1, c[2]), Math.max(1, c[3])]];
      });
      photos.push({ crops: cs, aligned: await crops(img, t, alignedBoxes) });
    } finally {
      t.dispose();
    }
  }
  ssd.dispose();
});

afterAll(async () => {
  for (const p of photos) for (const c of [...p.crops, ...p.aligned]) c.ref.dispose();
  await lm?.dispose();
  await rec?.dispose();
  refLandmarks?.dispose();
  refRecognition?.dispose();
});

describe('face-api landmark and recognition nets as ONNX graphs on onnxruntime', () => {
  it('covers portrait, landscape, square and small crops', () => {
    const all = photos.flatMap((p) => p.crops);
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(all.some((c) => c.box[2] > c.box[3])).toBe(true);
    expect(all.some((c) => c.box[2] < c.box[3])).toBe(true);
    expect(all.some((c) => c.box[2] === 112 && c.box[3] === 112)).toBe(true);
    expect(all.some((c) => c.box[2] === 150 && c.box[3] === 150)).toBe(true);
  });

  it("finds face-api's 68 landmarks (crop pixels): within 0.5 px mean and 1.5 px max per crop", async () => {
    let worstMean = 0;
    let worstMax = 0;
    for (const p of photos) {
      const ref = await referenceLandmarks(p.crops);
      // one batched call per photo, as the analyzer makes it
      const got = await lm.detect(p.crops.map((c) => c.rgb));
      expect(got.length).toBe(p.crops.length);
      p.crops.forEach((c, i) => {
        const pts = got[i]!;
        expect(pts.length, c.name).toBe(68);
        let sum = 0;
        let max = 0;
        ref[i]!.positions.forEach((q, j) => {
          const e = Math.hypot(q.x - pts[j]![0], q.y - pts[j]![1]);
          sum += e;
          max = Math.max(max, e);
        });
        expect(sum / 68, c.name).toBeLessThanOrEqual(0.5);
        expect(max, c.name).toBeLessThanOrEqual(1.5);
        worstMean = Math.max(worstMean, sum / 68);
        worstMax = Math.max(worstMax, max);
      });
    }
    // in practice the graphs agree to float rounding
    expect(worstMax).toBeLessThan(0.05);
    expect(worstMean).toBeLessThan(0.01);
  });

  it("computes face-api's descriptors: cosine >= 0.999, L2 distance tiny (aligned and raw crops)", async () => {
    let worstCos = 1;
    let worstL2 = 0;
    for (const p of photos) {
      for (const cs of [p.aligned, p.crops]) {
        const ref = await referenceDescriptors(cs);
        const got = await rec.embed(cs.map((c) => c.rgb));
        expect(got.length).toBe(cs.length);
        cs.forEach((c, i) => {
          expect(got[i]!.length, c.name).toBe(128);
          const cos = cosine(ref[i]!, got[i]!);
          const d = l2(ref[i]!, got[i]!);
          expect(cos, c.name).toBeGreaterThanOrEqual(0.999);
          // face-api's match threshold is 0.6 on this distance
          expect(d, c.name).toBeLessThan(1e-3);
          worstCos = Math.min(worstCos, cos);
          worstL2 = Math.max(worstL2, d);
        });
      }
    }
    expect(worstCos).toBeGreaterThan(0.99999);
  });

  it('gives a batch the same results as one crop at a time', async () => {
    const cs = [...photos[0]!.crops, ...photos[0]!.aligned].map((c) => c.rgb);
    expect(cs.length).toBeGreaterThanOrEqual(4);
    const lmBatch = await lm.detect(cs);
    const recBatch = await rec.embed(cs);
    for (let i = 0; i < cs.length; i++) {
      const [one] = await lm.detect([cs[i]!]);
      one!.forEach(([x, y], j) => {
        expect(Math.abs(x - lmBatch[i]![j]![0])).toBeLessThan(1e-3);
        expect(Math.abs(y - lmBatch[i]![j]![1])).toBeLessThan(1e-3);
      });
      const [vec] = await rec.embed([cs[i]!]);
      expect(l2(vec!, recBatch[i]!)).toBeLessThan(1e-5);
    }
    // a smaller batch after a larger one reuses the input buffer without stale data
    const again = await rec.embed(cs.slice(1, 3));
    expect(l2(again[0]!, recBatch[1]!)).toBeLessThan(1e-5);
    expect(l2(again[1]!, recBatch[2]!)).toBeLessThan(1e-5);
  });

  it('builds the same graph bytes every time (the recorded sha256 is the graph)', () => {
    const lmWeights = loadFaceApiWeights('face-api/face_landmark_68');
    const a = buildLandmark68Graph(lmWeights);
    expect(Buffer.from(buildLandmark68Graph(lmWeights)).equals(Buffer.from(a))).toBe(true);
    expect(createHash('sha256').update(a).digest('hex')).toBe(lm.graphSha256);
    const recWeights = loadFaceApiWeights('face-api/face_recognition');
    const b = buildFaceRecognitionGraph(recWeights);
    expect(Buffer.from(buildFaceRecognitionGraph(recWeights)).equals(Buffer.from(b))).toBe(true);
    expect(createHash('sha256').update(b).digest('hex')).toBe(rec.graphSha256);
  });

  it('keeps the ids (vectors stay comparable with stored ones) and handles empty and bad input', async () => {
    expect(lm.id).toBe('face-api/face_landmark_68@onnx');
    expect(rec.modelId).toBe('face-api/face_recognition');
    expect(rec.dimensions).toBe(128);
    expect(await lm.detect([])).toEqual([]);
    expect(await rec.embed([])).toEqual([]);
    await expect(rec.embed([{ data: new Uint8Array(0), width: 0, height: 5 }])).rejects.toThrow(/bad crop/);
    await expect(lm.detect([{ data: new Uint8Array(3), width: 2, height: 2 }])).rejects.toThrow(/bad crop/);
  });
});
