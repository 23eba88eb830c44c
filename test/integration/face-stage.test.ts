/**
 * The face stage's parts on real models: the verifier's second opinion, the five-point aligner and
 * the MobileFaceNet recogniser, and the analyzer that composes them.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Box, FaceDetection } from '../../src/core/types.js';
import { cosine } from '../../src/core/vector.js';
import { arcfaceAligner } from '../../src/ml/face/aligner.js';
import { faceCalibration } from '../../src/ml/face/calibration.js';
import { createFaceAnalyzer, type FaceAnalyzer } from '../../src/ml/face/index.js';
import type { FaceVerifier, RgbPixels } from '../../src/ml/face/nets.js';
import { createUltraFaceVerifier } from '../../src/ml/face/onnx/ultraface.js';
import { demoSample } from '../../src/ml/face/synthetic.js';

let analyzer: FaceAnalyzer;
let verifier: FaceVerifier;
let photo: RgbPixels;
let faces: FaceDetection[];

beforeAll(async () => {
  analyzer = await createFaceAnalyzer();
  verifier = await createUltraFaceVerifier();
  const buf = readFileSync(demoSample(3));
  const { data, info } = await sharp(buf).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  photo = { data: new Uint8Array(data), width: info.width, height: info.height };
  faces = await analyzer.analyzeImage(buf);
});

afterAll(async () => {
  analyzer.dispose();
  await verifier.dispose();
});

describe('face stage parts (real models)', () => {
  it('the verifier confirms real faces and not boxes on clothes or background', async () => {
    expect(faces.length).toBeGreaterThanOrEqual(3);
    const scores = await verifier.verify(
      photo,
      faces.map((f) => f.box),
    );
    for (const s of scores) expect(s).toBeGreaterThanOrEqual(0.9);
    // the same-size boxes two face heights below each face: chests, not faces
    const below = faces
      .map((f): Box => [f.box[0], f.box[1] + 2 * f.box[3], f.box[2], f.box[3]])
      .filter((b) => b[1] + b[3] < photo.height);
    expect(below.length).toBeGreaterThan(0);
    for (const s of await verifier.verify(photo, below)) expect(s).toBeLessThan(0.5);
  });

  it('every face the analyzer returns was verified, with a landmark layout of a face', () => {
    for (const f of faces) {
      expect(f.verify).toBeGreaterThanOrEqual(0.9);
      expect(f.usable).toBe(true);
      expect(f.embeddingNorm).toBeGreaterThan(2);
      expect(f.descriptor).toHaveLength(512);
    }
    expect(analyzer.modelId).toMatch(
      /^face-api\/ssd_mobilenetv1(@int8)?\+faceplugin\/ultraface-rfb-320\+faceplugin\/mobilefacenet-512$/,
    );
  });

  it('aligns eyes and mouth onto the ArcFace template whatever the face roll', () => {
    const f = faces[0]!;
    const crop = arcfaceAligner.align(photo, f.box, f.landmarks);
    expect([crop.width, crop.height]).toEqual([112, 112]);
    expect(crop.data).toHaveLength(112 * 112 * 3);
  });

  it('MobileFaceNet: the same face half-size and compressed matches; another face does not', async () => {
    const [a, b] = [...faces].sort((x, y) => y.box[3] - x.box[3]);
    const small = await sharp(readFileSync(demoSample(3)))
      .resize({ width: Math.round(photo.width / 2) })
      .blur(0.8)
      .jpeg({ quality: 40 })
      .toBuffer();
    const again = await analyzer.analyzeImage(small);
    // boxes of the half-size photo are in its own pixels
    const twin = again.find(
      (f) =>
        Math.abs(2 * f.box[0] - a!.box[0]) < a!.box[2] / 3 &&
        Math.abs(2 * f.box[1] - a!.box[1]) < a!.box[3] / 3,
    );
    expect(twin).toBeDefined();
    const cal = faceCalibration(analyzer.modelId);
    expect(cosine(twin!.descriptor, a!.descriptor)).toBeGreaterThanOrEqual(cal.cctv.search);
    // two people of one photo are filmed alike: the like-against-like threshold applies
    expect(cosine(b!.descriptor, a!.descriptor)).toBeLessThan(cal.cctv.search);
  });
});
