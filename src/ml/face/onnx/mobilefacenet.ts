/**
 * MobileFaceNet-style 512-d face recogniser shipped by `faceplugin-face-recognition-js`
 * (`model/fr_feature.onnx`), run on onnxruntime. Input: one 112 x 112 RGB face warped onto the
 * ArcFace five-point template, (x - 127) / 128, NCHW; output: 512 floats (not normalised).
 * The package says MIT; where the weights were trained, and on what, it does not say
 * (models/faces.json records that). Measured against face-api's 128-d net in docs/accuracy-faces.md.
 */
import * as ort from 'onnxruntime-node';
import { InternalError } from '../../../errors.js';
import { loadManifestFile } from '../../model-files.js';
import { cpuSessionOptions, oneAtATime } from '../../onnx/session.js';
import { arcfaceAligner, type FaceAligner } from '../aligner.js';
import type { RgbPixels } from '../nets.js';

export const MOBILEFACENET_ID = 'faceplugin/mobilefacenet-512';
const SIZE = 112;
const DIMENSIONS = 512;
/**
 * Raw vector length below which a face is too poor to identify with this net: clear faces of the
 * real clips measure 2.4-4.3, blurred or half-turned ones and non-faces 1.3-2.1
 * (docs/accuracy-faces.md); such faces are kept as heads seen, never matched.
 */
export const MOBILEFACENET_MIN_NORM = 2.0;

export interface OnnxMobileFaceNet {
  readonly modelId: string;
  readonly dimensions: number;
  readonly aligner: FaceAligner;
  readonly minNorm: number;
  /** 112 x 112 crops from `aligner` (other sizes are refused) → one raw 512-d vector each. */
  embed(crops: RgbPixels[]): Promise<Float32Array[]>;
  dispose(): void | Promise<void>;
}

export async function createMobileFaceNet(opts: { threads?: number } = {}): Promise<OnnxMobileFaceNet> {
  const session = await ort.InferenceSession.create(
    loadManifestFile('faces', MOBILEFACENET_ID),
    cpuSessionOptions(opts.threads ?? 1),
  );
  const input = new Float32Array(3 * SIZE * SIZE);
  // one run at a time: the input buffer is shared
  const serial = oneAtATime(session, 'MobileFaceNet');

  const embedOne = async (c: RgbPixels): Promise<Float32Array> => {
    if (c.width !== SIZE || c.height !== SIZE)
      throw new InternalError(`MobileFaceNet: crop ${c.width}x${c.height}, expected ${SIZE}x${SIZE}`);
    const plane = SIZE * SIZE;
    for (let i = 0; i < plane; i++) {
      input[i] = ((c.data[i * 3] as number) - 127) / 128;
      input[plane + i] = ((c.data[i * 3 + 1] as number) - 127) / 128;
      input[2 * plane + i] = ((c.data[i * 3 + 2] as number) - 127) / 128;
    }
    const out = await session.run({ input: new ort.Tensor('float32', input, [1, 3, SIZE, SIZE]) });
    return Float32Array.from(out.output!.data as Float32Array);
  };
  const embed = async (crops: RgbPixels[]): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    // the graph's batch is fixed at 1
    for (const c of crops) out.push(await embedOne(c));
    return out;
  };
  return {
    modelId: MOBILEFACENET_ID,
    dimensions: DIMENSIONS,
    aligner: arcfaceAligner,
    minNorm: MOBILEFACENET_MIN_NORM,
    embed: (crops) => serial.run(() => embed(crops)),
    dispose: () => serial.dispose(),
  };
}
