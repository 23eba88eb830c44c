/**
 * face-api's FaceLandmark68Net as an ONNX graph on onnxruntime, built in memory from the same
 * hash-checked weights face-api loads, with `detectLandmarks` semantics:
 *
 * - input: each crop padded to a centred square with zeros, resized bilinearly to 112 (tfjs
 *   `resizeBilinear`), (x - mean RGB) / 255. Done in JS straight into the batch's NCHW buffer
 *   (preprocess.ts): crops are small, and per-crop shapes would not batch as graph ops anyway.
 * - graph: FaceFeatureExtractor (four dense blocks of four convs: a stride-2 conv, the rest
 *   depthwise-separable, each block's outputs summed densely with relus), 7x7 average pool,
 *   fully connected 256 → 136. Output [n, 136]: x, y interleaved, relative to the padded square.
 * - positions: face-api's postProcess (x * 112 - padding offset) / scaled size, times the crop
 *   size, in JS.
 */
import { checkBuiltGraph } from '../../model-files.js';
import { cpuSessionOptions, oneAtATime } from '../../onnx/session.js';
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { InternalError } from '../../../errors.js';
import { DataType, floatTensor, GraphBuilder } from '../../onnx/builder.js';
import { loadFaceApiWeights, weight, type WeightMap } from '../../onnx/weights.js';
import type { LandmarkNet, RgbPixels } from '../nets.js';
import {
  depthwiseToOihw,
  FACE_NORMALISATION,
  GrowingBuffer,
  resizeScratch,
  samePad,
  toOihw,
  validCrop,
  writeNetBatch,
} from './preprocess.js';

const WEIGHTS_ID = 'face-api/face_landmark_68';
const SIZE = 112;
const POINTS = 68;

/** The ONNX graph: NCHW float input 'x' [n, 3, 112, 112], output 'y' [n, 136]. */
export function buildLandmark68Graph(weights: WeightMap): Uint8Array {
  const g = new GraphBuilder('face-api-face-landmark-68');
  let side = SIZE;
  const w = (name: string, shape?: number[]): Float32Array => weight(weights, name, shape).data;

  /** A Conv with TF 'same' padding; `side` tracks the square feature map along the backbone. */
  const conv = (
    x: string,
    name: string,
    wData: Float32Array,
    dims: number[],
    bias: Float32Array | undefined,
    stride: number,
    group: number,
  ): string => {
    const k = dims[2]!;
    const [p0, p1, out] = samePad(side, k, stride);
    side = out;
    const inputs = [x, g.init(`${name}/w`, floatTensor(wData, dims))];
    if (bias) inputs.push(g.init(`${name}/b`, floatTensor(bias, [dims[0]!])));
    return g.node('Conv', inputs, {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [p0, p0, p1, p1],
      group,
    });
  };

  /** tf.separableConv2d + bias: depthwise 3x3 (carries the stride), pointwise 1x1 with the bias. */
  const separable = (x: string, prefix: string, cin: number, cout: number, stride: number): string => {
    const dw = w(`${prefix}/depthwise_filter`, [3, 3, cin, 1]);
    const pw = w(`${prefix}/pointwise_filter`, [1, 1, cin, cout]);
    const b = w(`${prefix}/bias`, [cout]);
    const d = conv(
      x,
      `${prefix}/depthwise`,
      depthwiseToOihw(dw, [3, 3, cin, 1]),
      [cin, 1, 3, 3],
      undefined,
      stride,
      cin,
    );
    return conv(d, `${prefix}/pointwise`, toOihw(pw, [1, 1, cin, cout]), [cout, cin, 1, 1], b, 1, 1);
  };

  /** face-api's denseBlock4: out1 = relu(conv0), each later conv sees relu of the sum so far. */
  const denseBlock = (x: string, prefix: string, cin: number, cout: number, first: boolean): string => {
    let out1: string;
    if (first) {
      const f = w(`${prefix}/conv0/filters`, [3, 3, cin, cout]);
      const b = w(`${prefix}/conv0/bias`, [cout]);
      out1 = g.node('Relu', [
        conv(x, `${prefix}/conv0`, toOihw(f, [3, 3, cin, cout]), [cout, cin, 3, 3], b, 2, 1),
      ]);
    } else {
      out1 = g.node('Relu', [separable(x, `${prefix}/conv0`, cin, cout, 2)]);
    }
    const out2 = separable(out1, `${prefix}/conv1`, cout, cout, 1);
    const in3 = g.node('Relu', [g.node('Add', [out1, out2])]);
    const out3 = separable(in3, `${prefix}/conv2`, cout, cout, 1);
    // summed in face-api's order: out1 + (out2 + out3), out1 + (out2 + (out3 + out4))
    const in4 = g.node('Relu', [g.node('Add', [out1, g.node('Add', [out2, out3])])]);
    const out4 = separable(in4, `${prefix}/conv3`, cout, cout, 1);
    return g.node('Relu', [g.node('Add', [out1, g.node('Add', [out2, g.node('Add', [out3, out4])])])]);
  };

  const x = g.input({ name: 'x', type: DataType.FLOAT, shape: ['n', 3, SIZE, SIZE] });
  let out = denseBlock(x, 'dense0', 3, 32, true);
  out = denseBlock(out, 'dense1', 32, 64, false);
  out = denseBlock(out, 'dense2', 64, 128, false);
  out = denseBlock(out, 'dense3', 128, 256, false);
  if (side !== 7) throw new InternalError(`landmark graph: feature map ${side}, expected 7`);
  // avgPool 7x7 stride 2 'valid' on a 7x7 map: one output, the global mean
  const pooled = g.node('Flatten', [g.node('GlobalAveragePool', [out])], { axis: 1 });
  const fcW = g.init('fc/w', floatTensor(w('fc/weights', [256, 136]), [256, 136]));
  const fcB = g.init('fc/b', floatTensor(w('fc/bias', [136]), [136]));
  g.node('Gemm', [pooled, fcW, fcB], {}, ['y']);
  g.output({ name: 'y', type: DataType.FLOAT, shape: ['n', 2 * POINTS] });
  return g.toBytes({ opset: 13 });
}

/**
 * face-api's FaceLandmark68NetBase.postProcess + FaceLandmarks: relative to the padded square
 * (offset by half the size difference in 112-scale units) → crop pixels.
 */
function toPositions(raw: Float32Array, at: number, width: number, height: number): Array<[number, number]> {
  const scale = SIZE / Math.max(width, height);
  const w = width * scale;
  const h = height * scale;
  const padX = w < h ? Math.abs(w - h) / 2 : 0;
  const padY = h < w ? Math.abs(w - h) / 2 : 0;
  const out: Array<[number, number]> = new Array(POINTS);
  for (let i = 0; i < POINTS; i++) {
    const x = ((raw[at + 2 * i]! * SIZE - padX) / w) * width;
    const y = ((raw[at + 2 * i + 1]! * SIZE - padY) / h) * height;
    out[i] = [x, y];
  }
  return out;
}

export interface OnnxLandmarksOptions {
  /** onnxruntime intra-op threads (default 1: the indexer parallelises across frames). */
  threads?: number;
}

export async function createOnnxLandmarks(
  opts: OnnxLandmarksOptions = {},
): Promise<LandmarkNet & { graphSha256: string }> {
  const bytes = buildLandmark68Graph(loadFaceApiWeights(WEIGHTS_ID));
  const graphSha256 = createHash('sha256').update(bytes).digest('hex');
  checkBuiltGraph('face-api/face_landmark_68@onnx', graphSha256);
  const session = await ort.InferenceSession.create(bytes, cpuSessionOptions(opts.threads ?? 1));
  // reused on every call: the batch input buffer and the resize tables
  const input = new GrowingBuffer(3 * SIZE * SIZE);
  const scratch = resizeScratch(SIZE);
  // one run at a time: the input buffer is shared
  const serial = oneAtATime(session, 'ONNX landmarks');

  const detect = async (crops: RgbPixels[]): Promise<Array<Array<[number, number]>>> => {
    if (crops.length === 0) return [];
    for (const c of crops)
      if (!validCrop(c)) throw new InternalError(`ONNX landmarks: bad crop ${c.width}x${c.height}`);
    const buf = input.view(crops.length);
    writeNetBatch(crops, buf, scratch, true, FACE_NORMALISATION);
    // all crops of the call in one run (the graph's batch dimension is symbolic)
    const result = await session.run({ x: new ort.Tensor('float32', buf, [crops.length, 3, SIZE, SIZE]) });
    const raw = result.y!.data as Float32Array;
    return crops.map((c, i) => toPositions(raw, i * 2 * POINTS, c.width, c.height));
  };

  return {
    id: `${WEIGHTS_ID}@onnx`,
    graphSha256,
    detect: (crops) => serial.run(() => detect(crops)),
    dispose: () => serial.dispose(),
  };
}
