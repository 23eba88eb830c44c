/**
 * A face recogniser turns aligned face crops into embedding vectors. The analyzer finds and aligns
 * faces; the recogniser only embeds, so another model can be swapped in and measured
 * (scripts/eval-faces.ts --recognizer …).
 */
import type { FaceAligner } from './aligner.js';
import type { RgbPixels } from './nets.js';
import { getFaceRuntime, loadWeightMap, type FaceApiModule, type FaceRuntime } from './runtime.js';

export interface FaceRecognizer {
  /** Stable id stored with every vector: vectors of different models never compare. */
  readonly modelId: string;
  readonly dimensions: number;
  /**
   * How its crops are cut (e.g. the ArcFace five-point warp to 112 x 112); absent: face-api's
   * dlib-style alignment from the 68 landmarks, the crops face-api's own 128-d net expects.
   */
  readonly aligner?: FaceAligner;
  /**
   * Raw vector length below which this recogniser's face is too poor to identify (absent: no
   * such floor). Margin-loss recognisers give clear faces long vectors (docs/accuracy-faces.md).
   */
  readonly minNorm?: number;
  /**
   * Embeds aligned face crops (RGB 0..255, any size: each recogniser resizes to its own input).
   * One vector per crop, in order; not necessarily normalised (the caller normalises).
   */
  embed(crops: RgbPixels[]): Promise<Float32Array[]>;
  dispose(): void | Promise<void>;
}

type FaceApiNetInput = Parameters<
  FaceApiModule['FaceRecognitionNet']['prototype']['computeFaceDescriptor']
>[0];

/** face-api's 128-d ResNet-34-like descriptor (dlib-trained), the default. */
export async function createFaceApiRecognizer(rt?: FaceRuntime): Promise<FaceRecognizer> {
  const { faceapi, tf } = rt ?? (await getFaceRuntime());
  const net = new faceapi.FaceRecognitionNet();
  net.loadFromWeightMap(loadWeightMap(tf, 'face-api/face_recognition') as never);
  return {
    modelId: 'face-api/face_recognition',
    dimensions: 128,
    async embed(crops) {
      if (crops.length === 0) return [];
      const ts = crops.map((c) => tf.tensor3d(c.data, [c.height, c.width, 3], 'int32'));
      try {
        // an array input is one batch: one forward pass for all faces of the frame
        const out = await net.computeFaceDescriptor(ts as unknown as FaceApiNetInput);
        return Array.isArray(out) ? out : [out];
      } finally {
        for (const t of ts) t.dispose();
      }
    },
    dispose() {
      net.dispose();
    },
  };
}
