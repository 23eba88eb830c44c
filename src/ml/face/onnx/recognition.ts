/**
 * face-api's FaceRecognitionNet (ResNet-34-like, dlib-trained, 128-d) as an ONNX graph on
 * onnxruntime, built in memory from the same hash-checked weights face-api loads, with
 * `computeFaceDescriptor` semantics (the raw descriptor, not normalised):
 *
 * - input: each crop padded to a centred square with zeros, resized bilinearly to 150 (tfjs
 *   `resizeBilinear`), (x - mean RGB) / 255, in JS straight into the batch's NCHW buffer.
 * - graph: 7x7/2 conv, 3x3/2 max pool, residual stages of 32, 64, 128 and 256 channels, global
 *   mean, 256 → 128 matmul. Every conv layer is conv + bias followed by a per-channel scale
 *   layer (x * s + t): folded into the conv (W * s, b * s + t) here.
 * - downsampling residuals as face-api does them: shortcut = 2x2/2 average pool of the input,
 *   zero-padded in channels where the block widens; where the strided 'valid' conv comes out one
 *   smaller than the pooled map, the conv branch is zero-padded at the bottom/right.
 */
import { checkBuiltGraph } from '../../model-files.js';
import { cpuSessionOptions, oneAtATime } from '../../onnx/session.js';
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { InternalError } from '../../../errors.js';
import { DataType, floatTensor, GraphBuilder, int64Tensor } from '../../onnx/builder.js';
import { loadFaceApiWeights, weight, type WeightMap } from '../../onnx/weights.js';
import type { RgbPixels } from '../nets.js';
import {
  FACE_NORMALISATION,
  GrowingBuffer,
  resizeScratch,
  toOihw,
  validCrop,
  writeNetBatch,
} from './preprocess.js';

const MODEL_ID = 'face-api/face_recognition';
const SIZE = 150;
const DIMENSIONS = 128;

/** The ONNX graph: NCHW float input 'x' [n, 3, 150, 150], output 'y' [n, 128]. */
export function buildFaceRecognitionGraph(weights: WeightMap): Uint8Array {
  const g = new GraphBuilder('face-api-face-recognition');
  // square feature-map side and channels along the network, to place the shortcut padding
  let side = SIZE;
  let channels = 3;

  /**
   * face-api's convLayer: conv (+ bias) then scale layer, folded: W' = W * s, b' = b * s + t.
   * Stride 1 is TF 'same' (pad 1 each side for 3x3), stride 2 'valid'.
   */
  const convLayer = (x: string, prefix: string, stride: 1 | 2, relu: boolean): string => {
    const filters = weight(weights, `${prefix}/conv/filters`);
    const [k, , cin, cout] = filters.shape as [number, number, number, number];
    if (cin !== channels) throw new InternalError(`${prefix}: ${cin} input channels, expected ${channels}`);
    const bias = weight(weights, `${prefix}/conv/bias`, [cout]).data;
    const s = weight(weights, `${prefix}/scale/weights`, [cout]).data;
    const t = weight(weights, `${prefix}/scale/biases`, [cout]).data;
    const wOihw = toOihw(filters.data, filters.shape);
    const per = cin * k * k;
    for (let o = 0; o < cout; o++) for (let i = 0; i < per; i++) wOihw[o * per + i]! *= s[o]!;
    const b = new Float32Array(cout);
    for (let o = 0; o < cout; o++) b[o] = bias[o]! * s[o]! + t[o]!;
    const pad = stride === 1 ? (k - 1) / 2 : 0;
    side = stride === 1 ? side : Math.floor((side - k) / stride) + 1;
    channels = cout;
    const y = g.node(
      'Conv',
      [
        x,
        g.init(`${prefix}/w`, floatTensor(wOihw, [cout, cin, k, k])),
        g.init(`${prefix}/b`, floatTensor(b, [cout])),
      ],
      { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] },
    );
    return relu ? g.node('Relu', [y]) : y;
  };

  const residual = (x: string, prefix: string): string => {
    const out = convLayer(convLayer(x, `${prefix}/conv1`, 1, true), `${prefix}/conv2`, 1, false);
    return g.node('Relu', [g.node('Add', [out, x])]);
  };

  const residualDown = (x: string, prefix: string): string => {
    const inSide = side;
    const inChannels = channels;
    let out = convLayer(convLayer(x, `${prefix}/conv1`, 2, true), `${prefix}/conv2`, 1, false);
    let pooled = g.node('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
    const pooledSide = Math.floor((inSide - 2) / 2) + 1;
    if (side !== pooledSide) {
      // face-api concatenates one zero row and one zero column to the conv branch
      if (pooledSide - side !== 1) throw new InternalError(`${prefix}: conv ${side}, pool ${pooledSide}`);
      out = g.node('Pad', [out, g.init(g.fresh(`${prefix}/pad_hw`), int64Tensor([0, 0, 0, 0, 0, 0, 1, 1]))]);
      side = pooledSide;
    }
    if (channels !== inChannels) {
      // and zero channels to the shortcut
      const extra = channels - inChannels;
      pooled = g.node('Pad', [
        pooled,
        g.init(g.fresh(`${prefix}/pad_c`), int64Tensor([0, 0, 0, 0, 0, extra, 0, 0])),
      ]);
    }
    return g.node('Relu', [g.node('Add', [pooled, out])]);
  };

  const x = g.input({ name: 'x', type: DataType.FLOAT, shape: ['n', 3, SIZE, SIZE] });
  let out = convLayer(x, 'conv32_down', 2, true);
  out = g.node('MaxPool', [out], { kernel_shape: [3, 3], strides: [2, 2] });
  side = Math.floor((side - 3) / 2) + 1;
  for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) out = residual(out, p);
  out = residualDown(out, 'conv64_down');
  for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) out = residual(out, p);
  out = residualDown(out, 'conv128_down');
  for (const p of ['conv128_1', 'conv128_2']) out = residual(out, p);
  out = residualDown(out, 'conv256_down');
  for (const p of ['conv256_1', 'conv256_2']) out = residual(out, p);
  out = residualDown(out, 'conv256_down_out');
  const mean = g.node('Flatten', [g.node('GlobalAveragePool', [out])], { axis: 1 });
  const fc = g.init(
    'fc',
    floatTensor(weight(weights, 'fc', [channels, DIMENSIONS]).data, [channels, DIMENSIONS]),
  );
  g.node('MatMul', [mean, fc], {}, ['y']);
  g.output({ name: 'y', type: DataType.FLOAT, shape: ['n', DIMENSIONS] });
  return g.toBytes({ opset: 13 });
}

export interface OnnxRecognizer {
  /** Same id as face-api's recogniser: the vectors are the same model's and compare with stored ones. */
  readonly modelId: typeof MODEL_ID;
  readonly dimensions: typeof DIMENSIONS;
  readonly graphSha256: string;
  /** Aligned face crops (RGB, any size) → one raw 128-d descriptor each, in order. */
  embed(crops: RgbPixels[]): Promise<Float32Array[]>;
  dispose(): void | Promise<void>;
}

export interface OnnxRecognizerOptions {
  /** onnxruntime intra-op threads (default 1: the indexer parallelises across frames). */
  threads?: number;
}

export async function createOnnxRecognizer(opts: OnnxRecognizerOptions = {}): Promise<OnnxRecognizer> {
  const bytes = buildFaceRecognitionGraph(loadFaceApiWeights(MODEL_ID));
  const graphSha256 = createHash('sha256').update(bytes).digest('hex');
  checkBuiltGraph('face-api/face_recognition@onnx', graphSha256);
  const session = await ort.InferenceSession.create(bytes, cpuSessionOptions(opts.threads ?? 1));
  // reused on every call: the batch input buffer and the resize tables
  const input = new GrowingBuffer(3 * SIZE * SIZE);
  const scratch = resizeScratch(SIZE);
  // one run at a time: the input buffer is shared
  const serial = oneAtATime(session, 'ONNX recogniser');

  const embed = async (crops: RgbPixels[]): Promise<Float32Array[]> => {
    if (crops.length === 0) return [];
    for (const c of crops)
      if (!validCrop(c)) throw new InternalError(`ONNX recogniser: bad crop ${c.width}x${c.height}`);
    const buf = input.view(crops.length);
    writeNetBatch(crops, buf, scratch, true, FACE_NORMALISATION);
    // all crops of the call in one run (the graph's batch dimension is symbolic)
    const result = await session.run({ x: new ort.Tensor('float32', buf, [crops.length, 3, SIZE, SIZE]) });
    const raw = result.y!.data as Float32Array;
    return crops.map((_, i) => raw.slice(i * DIMENSIONS, (i + 1) * DIMENSIONS));
  };

  return {
    modelId: MODEL_ID,
    dimensions: DIMENSIONS,
    graphSha256,
    embed: (crops) => serial.run(() => embed(crops)),
    dispose: () => serial.dispose(),
  };
}
