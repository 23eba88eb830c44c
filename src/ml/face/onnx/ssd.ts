/**
 * face-api's SSD MobileNet v1 face detector as an ONNX graph on onnxruntime, built in memory from
 * the same hash-checked weights face-api loads, with face-api's `locateFaces` semantics:
 *
 * - input: pad to square at the bottom/right with zeros, bilinear resize to 512 (tfjs
 *   `resizeBilinear`, align_corners = half_pixel_centers = false), x / 127.5 - 1. Done here in JS,
 *   straight into the graph's NCHW input buffer (4-8 ms, no per-call allocation); the same steps
 *   as ONNX ops (Cast, Pad, Resize) took 13 ms on a 1080p frame, mostly on the full-size image.
 * - graph: MobileNet v1 (depthwise batch-norm folded into the conv weights, the pointwise
 *   layers' bn offset is their bias, relu6 = Clip 0..6), the SSD prediction layer and the six box
 *   predictors. The box and class predictor of each head are merged into one 1x1 conv that emits,
 *   per anchor, the 4 box encodings and only the one class logit face-api keeps (class 1).
 *   Output: [1, 5118, 5] in face-api's anchor order.
 * - decoding against the priors (`Output/extra_dim`), sigmoid, face-api's NMS and its mapping of
 *   boxes back to the image: here in JS, only for anchors above minConfidence.
 *
 * The graph takes any input size (TF 'same' padding is ONNX's SAME_UPPER). `locateAt` uses that:
 * an image at any scale, padded only to a multiple of 32, with priors laid out for that size
 * (`priorsFor`: face-api's anchors for the cells that see the same pixels). A tall person region
 * is no longer half padding, and a whole frame at tile scale is one pass instead of 8 tiles.
 * Faces wholly inside the image come out as face-api's at the same scale (IoU >= 0.99, test).
 */
import { checkBuiltGraph } from '../../model-files.js';
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { InternalError } from '../../../errors.js';
import { DataType, floatTensor, GraphBuilder, int64Tensor, intTensor } from '../../onnx/builder.js';
import { loadFaceApiWeights, weight, type WeightMap } from '../../onnx/weights.js';
import type { Box } from '../../../core/types.js';
import type { FaceBoxScore, FaceDetectorNet, LocateOptions, RgbPixels } from '../nets.js';
import { cpuSessionOptions } from '../../onnx/session.js';

const WEIGHTS_ID = 'face-api/ssd_mobilenetv1';
const SIZE = 512;
const ANCHORS = 5118;
/** Per anchor in the graph's output: 4 box encodings + the face logit. */
const STRIDE = 5;
/** face-api's batch-norm epsilon (float32 of 0.001). */
const BN_EPSILON = 0.0010000000474974513;
/** face-api's NMS IoU threshold. */
const NMS_IOU = 0.5;

/** tfjs conv filter [kh, kw, in, out] → ONNX [out, in, kh, kw]. */
function toOihw(data: Float32Array, [kh, kw, cin, cout]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh!; y++)
    for (let x = 0; x < kw!; x++)
      for (let i = 0; i < cin!; i++)
        for (let o = 0; o < cout!; o++)
          out[((o * cin! + i) * kh! + y) * kw! + x] = data[((y * kw! + x) * cin! + i) * cout! + o]!;
  return out;
}

/** TensorFlow 'same' padding: the odd pixel goes at the end. Returns [begin, end, outSize]. */
function samePad(size: number, k: number, s: number): [number, number, number] {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin, out];
}

/**
 * Layers run in int8 by the `int8` graph: MobileNet's layers 2 to 13 (depthwise and pointwise),
 * ~75 % of the net's work. Their inputs are ReLU6 outputs, so [0, 6] is their range by
 * construction (measured: every one reaches 6 on the demo photos and real frames): no calibration
 * data. Left in float: the first two layers (quantizing them lost faces) and the SSD layers.
 */
export const SSD_INT8_LAYERS: readonly string[] = Array.from({ length: 12 }, (_, i) => [
  `MobilenetV1/Conv2d_${i + 2}_depthwise`,
  `MobilenetV1/Conv2d_${i + 2}_pointwise`,
]).flat();

/**
 * The ONNX graph: NCHW float input 'x' [1, 3, h, w] (face-api's 512 x 512, or any size: see
 * `locateAt`), output 'raw' [1, anchors, 5] (5118 at 512 x 512).
 *
 * `int8`: SSD_INT8_LAYERS as QDQ (QuantizeLinear / DequantizeLinear around float Convs, which
 * onnxruntime fuses into int8 convolutions): activations uint8 over [0, 6], weights int8 per
 * output channel (symmetric, scale = max |w| / 127), biases int32 at the product scale.
 */
export function buildSsdMobilenetV1Graph(weights: WeightMap, { int8 = false } = {}): Uint8Array {
  const g = new GraphBuilder(int8 ? 'face-api-ssd-mobilenetv1-int8' : 'face-api-ssd-mobilenetv1');
  const zero = g.init('zero', floatTensor([0], []));
  const six = g.init('six', floatTensor([6], []));
  const quantized = new Set(int8 ? SSD_INT8_LAYERS : []);
  const actScale = int8 ? g.init('act/scale', floatTensor([6 / 255], [])) : '';
  const actZero = int8 ? g.init('act/zero', intTensor(new Uint8Array([0]), [], DataType.UINT8)) : '';

  /** int8 weights per output channel, int32 bias, each through a DequantizeLinear. */
  const quantWeights = (name: string, w: Float32Array, dims: number[], b: Float32Array): [string, string] => {
    const cout = dims[0]!;
    const per = w.length / cout;
    const ws = new Float32Array(cout);
    const wq = new Int8Array(w.length);
    const bs = new Float32Array(cout);
    const bq = new Int32Array(cout);
    for (let o = 0; o < cout; o++) {
      let m = 0;
      for (let i = 0; i < per; i++) m = Math.max(m, Math.abs(w[o * per + i]!));
      ws[o] = Math.max(m, 1e-8) / 127;
      for (let i = 0; i < per; i++) wq[o * per + i] = Math.round(w[o * per + i]! / ws[o]!);
      bs[o] = (6 / 255) * ws[o]!;
      bq[o] = Math.round(b[o]! / bs[o]!);
    }
    const deq = (v: string, sc: string, zp: string) => g.node('DequantizeLinear', [v, sc, zp], { axis: 0 });
    return [
      deq(
        g.init(`${name}/wq`, intTensor(wq, dims, DataType.INT8)),
        g.init(`${name}/ws`, floatTensor(ws, [cout])),
        g.init(`${name}/wz`, intTensor(new Int8Array(cout), [cout], DataType.INT8)),
      ),
      deq(
        g.init(`${name}/bq`, intTensor(bq, [cout], DataType.INT32)),
        g.init(`${name}/bs`, floatTensor(bs, [cout])),
        g.init(`${name}/bz`, intTensor(new Int32Array(cout), [cout], DataType.INT32)),
      ),
    ];
  };

  /**
   * Conv (+ Clip 0..6) with TF 'same' padding, which ONNX's SAME_UPPER is for any input size
   * (the odd pixel at the end); at 512 x 512 the pads are those face-api's tfjs convs use.
   */
  const conv = (
    x: string,
    name: string,
    w: Float32Array,
    dims: number[],
    b: Float32Array,
    stride: number,
    group: number,
    relu6: boolean,
  ): string => {
    const k = dims[2]!;
    const attrs = { kernel_shape: [k, k], strides: [stride, stride], auto_pad: 'SAME_UPPER', group };
    const inputs = quantized.has(name)
      ? [
          g.node('DequantizeLinear', [g.node('QuantizeLinear', [x, actScale, actZero]), actScale, actZero]),
          ...quantWeights(name, w, dims, b),
        ]
      : [x, g.init(`${name}/w`, floatTensor(w, dims)), g.init(`${name}/b`, floatTensor(b, [dims[0]!]))];
    const y = g.node('Conv', inputs, attrs);
    return relu6 ? g.node('Clip', [y, zero, six]) : y;
  };

  /** face-api's pointwiseConvLayer: conv + bn offset as bias + relu6 (some are 3x3). */
  const pointwise = (x: string, prefix: string, stride: number): string => {
    const w = weight(weights, `${prefix}/weights`);
    const b = weight(weights, `${prefix}/convolution_bn_offset`, [w.shape[3]!]);
    const [kh, kw, cin, cout] = w.shape as [number, number, number, number];
    return conv(x, prefix, toOihw(w.data, w.shape), [cout, cin, kh, kw], b.data, stride, 1, true);
  };

  /** face-api's depthwiseConvLayer: depthwise 3x3, batch norm folded into weights and bias, relu6. */
  const depthwise = (x: string, prefix: string, stride: number): string => {
    const w = weight(weights, `${prefix}/depthwise_weights`);
    const [kh, kw, c] = w.shape as [number, number, number, number];
    const bn = (n: string) => weight(weights, `${prefix}/BatchNorm/${n}`, [c]).data;
    const [gamma, beta, mean, variance] = [bn('gamma'), bn('beta'), bn('moving_mean'), bn('moving_variance')];
    const fw = new Float32Array(c * kh * kw);
    const fb = new Float32Array(c);
    for (let ch = 0; ch < c; ch++) {
      const s = gamma[ch]! / Math.sqrt(variance[ch]! + BN_EPSILON);
      fb[ch] = beta[ch]! - mean[ch]! * s;
      for (let y = 0; y < kh; y++)
        for (let xx = 0; xx < kw; xx++) fw[(ch * kh + y) * kw + xx] = w.data[(y * kw + xx) * c + ch]! * s;
    }
    return conv(x, prefix, fw, [c, 1, kh, kw], fb, stride, c, true);
  };

  /**
   * One SSD head: box encodings [.., 4A] and class logits [.., 3A] as one 1x1 conv emitting per
   * anchor [4 box, class-1 logit]; then NHWC order, rows of 5, like face-api's reshapes.
   */
  const head = (x: string, idx: number): string => {
    const p = `Prediction/BoxPredictor_${idx}`;
    const bw = weight(weights, `${p}/BoxEncodingPredictor/weights`);
    const [, , cin, boxOut] = bw.shape as [number, number, number, number];
    const anchors = boxOut / 4;
    const cw = weight(weights, `${p}/ClassPredictor/weights`, [1, 1, cin, anchors * 3]);
    const bb = weight(weights, `${p}/BoxEncodingPredictor/biases`, [anchors * 4]).data;
    const cb = weight(weights, `${p}/ClassPredictor/biases`, [anchors * 3]).data;
    const cout = anchors * STRIDE;
    const w = new Float32Array(cout * cin);
    const b = new Float32Array(cout);
    for (let a = 0; a < anchors; a++) {
      for (let j = 0; j <= 4; j++) {
        const o = a * STRIDE + j;
        // source column in the [1, 1, cin, cout] tfjs filter
        const [src, srcOut, bias] = j < 4 ? [bw.data, anchors * 4, bb] : [cw.data, anchors * 3, cb];
        const col = j < 4 ? a * 4 + j : a * 3 + 1;
        b[o] = bias[col]!;
        for (let i = 0; i < cin; i++) w[o * cin + i] = src[i * srcOut + col]!;
      }
    }
    const y = conv(x, p, w, [cout, cin, 1, 1], b, 1, 1, false);
    const nhwc = g.node('Transpose', [y], { perm: [0, 2, 3, 1] });
    return g.node('Reshape', [nhwc, g.init(`${p}/shape`, int64Tensor([1, -1, STRIDE]))]);
  };

  const x = g.input({ name: 'x', type: DataType.FLOAT, shape: [1, 3, 'h', 'w'] });
  let out = pointwise(x, 'MobilenetV1/Conv2d_0_pointwise', 2);
  let conv11 = '';
  for (let i = 1; i <= 13; i++) {
    out = depthwise(out, `MobilenetV1/Conv2d_${i}_depthwise`, [2, 4, 6, 12].includes(i) ? 2 : 1);
    out = pointwise(out, `MobilenetV1/Conv2d_${i}_pointwise`, 1);
    if (i === 11) conv11 = out;
  }
  // head inputs in face-api's order: conv11, mobilenet out, prediction convs 1, 3, 5, 7
  const feats = [conv11, out];
  let p = out;
  for (let i = 0; i <= 7; i++) {
    p = pointwise(p, `Prediction/Conv2d_${i}_pointwise`, i % 2 === 1 ? 2 : 1);
    if (i % 2 === 1) feats.push(p);
  }
  g.node(
    'Concat',
    feats.map((f, i) => head(f, i)),
    { axis: 1 },
    ['raw'],
  );
  g.output({ name: 'raw', type: DataType.FLOAT, shape: [1, 'anchors', STRIDE] });
  return g.toBytes({ opset: 13 });
}

/** Priors as centre/size, computed the way face-api's outputLayer does (from [ymin, xmin, ymax, xmax]). */
function priors(weights: WeightMap): Float32Array {
  const d = weight(weights, 'Output/extra_dim', [1, ANCHORS, 4]).data;
  const out = new Float32Array(ANCHORS * 4);
  for (let i = 0; i < ANCHORS; i++) {
    const [y0, x0, y1, x1] = [d[i * 4]!, d[i * 4 + 1]!, d[i * 4 + 2]!, d[i * 4 + 3]!];
    const h = Math.fround(y1 - y0);
    const w = Math.fround(x1 - x0);
    out[i * 4] = y0 + h / 2; // centre y
    out[i * 4 + 1] = x0 + w / 2; // centre x
    out[i * 4 + 2] = h;
    out[i * 4 + 3] = w;
  }
  return out;
}

/**
 * One feature map the box predictors read: the convs (kernel, stride) from the input to it, and
 * its anchors' sizes [h, w] in pixels of face-api's 512 x 512 input.
 */
export interface SsdLevel {
  convs: Array<[number, number]>;
  anchors: Array<[number, number]>;
}

/** The six levels of face-api's SSD, read off the weights (kernel sizes, anchors per cell, priors). */
export function ssdLevels(weights: WeightMap): SsdLevel[] {
  const kernel = (prefix: string): number => weight(weights, `${prefix}/weights`).shape[0]!;
  const convs: Array<[number, number]> = [[kernel('MobilenetV1/Conv2d_0_pointwise'), 2]];
  const taps: Array<Array<[number, number]>> = [];
  for (let i = 1; i <= 13; i++) {
    convs.push([3, [2, 4, 6, 12].includes(i) ? 2 : 1]);
    convs.push([kernel(`MobilenetV1/Conv2d_${i}_pointwise`), 1]);
    if (i === 11) taps.push([...convs]);
  }
  taps.push([...convs]);
  for (let i = 0; i <= 7; i++) {
    convs.push([kernel(`Prediction/Conv2d_${i}_pointwise`), i % 2 === 1 ? 2 : 1]);
    if (i % 2 === 1) taps.push([...convs]);
  }
  const extra = weight(weights, 'Output/extra_dim', [1, ANCHORS, 4]).data;
  let first = 0;
  return taps.map((tap, idx) => {
    const p = `Prediction/BoxPredictor_${idx}/BoxEncodingPredictor/weights`;
    const perCell = weight(weights, p).shape[3]! / 4;
    const anchors: Array<[number, number]> = [];
    for (let a = 0; a < perCell; a++) {
      const at = (first + a) * 4;
      anchors.push([(extra[at + 2]! - extra[at]!) * SIZE, (extra[at + 3]! - extra[at + 1]!) * SIZE]);
    }
    const n = axisGeometry(SIZE, tap).n;
    first += n * n * perCell;
    return { convs: tap, anchors };
  });
}

/**
 * Where a level's cells sit along one axis of an input `size` pixels long: `n` cells, cell j's
 * receptive field centred on pixel `c + d * j` (TF 'same' padding puts the odd pixel at the end,
 * so odd sizes shift the grid).
 */
function axisGeometry(size: number, convs: Array<[number, number]>): { n: number; c: number; d: number } {
  let n = size;
  let c = 0;
  let d = 1;
  for (const [k, s] of convs) {
    const [begin, , out] = samePad(n, k, s);
    c += d * ((k - 1) / 2 - begin);
    d *= s;
    n = out;
  }
  return { n, c, d };
}

/**
 * Priors (centre y, centre x, h, w in input pixels) for an input of any size, in the graph's
 * output order (level, row, column, anchor). Each cell's anchors are face-api's for the cell
 * that sees the same pixels at 512 x 512: face-api's centres ((j + 0.5) * stride) moved by how far
 * the receptive fields moved, and its sizes in pixels. At 512 x 512 this is face-api's prior set.
 */
export function priorsFor(levels: SsdLevel[], height: number, width: number): Float32Array {
  const cells = levels.map((l) => ({
    l,
    y: axisGeometry(height, l.convs),
    x: axisGeometry(width, l.convs),
    ref: axisGeometry(SIZE, l.convs),
  }));
  const count = cells.reduce((n, { l, y, x }) => n + y.n * x.n * l.anchors.length, 0);
  const out = new Float32Array(count * 4);
  let i = 0;
  for (const { l, y, x, ref } of cells) {
    const stride = SIZE / ref.n;
    for (let r = 0; r < y.n; r++) {
      const cy = (r + 0.5) * stride + (y.c - ref.c);
      for (let col = 0; col < x.n; col++) {
        const cx = (col + 0.5) * stride + (x.c - ref.c);
        for (const [h, w] of l.anchors) {
          out[i++] = cy;
          out[i++] = cx;
          out[i++] = h;
          out[i++] = w;
        }
      }
    }
  }
  return out;
}

/** Scratch space for `resample`, grown to the largest input asked for. */
interface ResizeScratch {
  /** Per output column: the two source offsets within a row (x * 3) and their weights. */
  colAt: Int32Array;
  colW: Float64Array;
  /** Two horizontally resized source rows, planar [3][width], and which source rows they hold. */
  rows: [Float64Array, Float64Array];
  rowY: [number, number];
}

function resizeScratch(width = SIZE): ResizeScratch {
  return {
    colAt: new Int32Array(2 * width),
    colW: new Float64Array(2 * width),
    rows: [new Float64Array(3 * width), new Float64Array(3 * width)],
    rowY: [-1, -1],
  };
}

/** Source row y resized horizontally into `dst` (planar RGB, `n` columns), taps and weights from `s`. */
function resizeRow(data: Uint8Array, rowAt: number, s: ResizeScratch, dst: Float64Array, n: number): void {
  const { colAt, colW } = s;
  for (let c = 0; c < n; c++) {
    const a = rowAt + colAt[2 * c]!;
    const b = rowAt + colAt[2 * c + 1]!;
    const wa = colW[2 * c]!;
    const wb = colW[2 * c + 1]!;
    dst[c] = wa * data[a]! + wb * data[b]!;
    dst[n + c] = wa * data[a + 1]! + wb * data[b + 1]!;
    dst[2 * n + c] = wa * data[a + 2]! + wb * data[b + 2]!;
  }
}

/**
 * face-api's input: pad to square (zeros at bottom/right), resize bilinearly to 512 like tfjs
 * (src = dst * side / 512, no half-pixel offset, taps floor and ceil), x / 127.5 - 1, written
 * planar NCHW. side / 512 is exact in binary, so the sample positions are tfjs's float32 ones
 * exactly.
 */
function preprocess(img: RgbPixels, out: Float32Array, s: ResizeScratch): void {
  const side = Math.max(img.width, img.height);
  resample(img, out, s, SIZE, SIZE, side / SIZE, side - 1, side - 1);
}

/**
 * Bilinear resample into an `outW` x `outH` planar NCHW input, x / 127.5 - 1: output pixel
 * (c, r) samples source (c * ratio, r * ratio), taps floor and ceil (the ceil tap clamped to
 * `limitX`/`limitY`); source pixels beyond the image are 0 (the padding). Separable with cached
 * rows and branch-free taps (padding = weight 0): 1.5-2x faster than a 4-tap loop per pixel.
 */
function resample(
  img: RgbPixels,
  out: Float32Array,
  s: ResizeScratch,
  outW: number,
  outH: number,
  ratio: number,
  limitX: number,
  limitY: number,
  area: Box = [0, 0, img.width, img.height],
): void {
  // the source is `area` of the image (read in place, no copy): its pixels only, its own origin
  const { data } = img;
  const [ax, ay, width, height] = area;
  const plane = outW * outH;
  const rowW = img.width * 3;
  for (let c = 0; c < outW; c++) {
    const f = c * ratio;
    const x0 = Math.floor(f);
    const x1 = Math.min(limitX, Math.ceil(f));
    const fx = f - x0;
    // taps in the padding read pixel 0 with weight 0
    const in0 = x0 < width;
    s.colAt[2 * c] = in0 ? (ax + x0) * 3 : 0;
    s.colAt[2 * c + 1] = in0 && x1 < width ? (ax + x1) * 3 : 0;
    s.colW[2 * c] = in0 ? 1 - fx : 0;
    s.colW[2 * c + 1] = in0 && x1 < width ? fx : 0;
  }
  s.rowY[0] = s.rowY[1] = -1;
  const zero = -2; // row key of a padding row (all zeros)
  const load = (slot: 0 | 1, y: number): Float64Array => {
    const key = y < height ? y : zero;
    if (s.rowY[slot] !== key) {
      const other = (1 - slot) as 0 | 1;
      if (s.rowY[other] === key) {
        // the row is in the other slot (upsampling: y1 of the last row is y0 of this one)
        [s.rows[0], s.rows[1]] = [s.rows[1], s.rows[0]];
        [s.rowY[0], s.rowY[1]] = [s.rowY[1], s.rowY[0]];
      } else if (key === zero) {
        s.rows[slot].fill(0);
        s.rowY[slot] = key;
      } else {
        resizeRow(data, (ay + y) * rowW, s, s.rows[slot], outW);
        s.rowY[slot] = key;
      }
    }
    return s.rows[slot];
  };
  for (let r = 0; r < outH; r++) {
    const f = r * ratio;
    const y0 = Math.floor(f);
    const o = r * outW;
    if (y0 >= height) {
      // a padding row: x = 0
      for (let ch = 0; ch < 3; ch++) out.fill(-1, ch * plane + o, ch * plane + o + outW);
      continue;
    }
    const y1 = Math.min(limitY, Math.ceil(f));
    const fy = f - y0;
    const top = load(0, y0);
    const bot = load(1, y1);
    for (let ch = 0; ch < 3; ch++) {
      const at = ch * outW;
      const dst = ch * plane + o;
      for (let c = 0; c < outW; c++) {
        const t = top[at + c]!;
        out[dst + c] = (t + (bot[at + c]! - t) * fy) / 127.5 - 1;
      }
    }
  }
}

/** face-api's IOU (corners normalised by min/max, 0 for empty boxes). Boxes are [ymin, xmin, ymax, xmax]. */
function iou(b: Float64Array, i: number, j: number): number {
  const yminI = Math.min(b[i * 4]!, b[i * 4 + 2]!);
  const xminI = Math.min(b[i * 4 + 1]!, b[i * 4 + 3]!);
  const ymaxI = Math.max(b[i * 4]!, b[i * 4 + 2]!);
  const xmaxI = Math.max(b[i * 4 + 1]!, b[i * 4 + 3]!);
  const yminJ = Math.min(b[j * 4]!, b[j * 4 + 2]!);
  const xminJ = Math.min(b[j * 4 + 1]!, b[j * 4 + 3]!);
  const ymaxJ = Math.max(b[j * 4]!, b[j * 4 + 2]!);
  const xmaxJ = Math.max(b[j * 4 + 1]!, b[j * 4 + 3]!);
  const areaI = (ymaxI - yminI) * (xmaxI - xminI);
  const areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
  if (areaI <= 0 || areaJ <= 0) return 0;
  const inter =
    Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0) *
    Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0);
  return inter / (areaI + areaJ - inter);
}

/**
 * Decodes the graph's raw output against `prior` (in its units) and runs face-api's NMS: the
 * selected anchors, best first. `boxes` is scratch space ([ymin, xmin, ymax, xmax] per anchor).
 */
function select(
  raw: Float32Array,
  prior: Float32Array,
  boxes: Float64Array,
  opts: LocateOptions,
): Array<{ score: number; i: number }> {
  const count = prior.length / 4;
  const cands: Array<{ score: number; i: number }> = [];
  // face-api's scores: sigmoid of the class-1 logit, kept when strictly above minConfidence
  for (let i = 0; i < count; i++) {
    const score = 1 / (1 + Math.exp(-raw[i * STRIDE + 4]!));
    if (score > opts.minConfidence) cands.push({ score, i });
  }
  // stable sort: equal scores keep anchor order, as in face-api
  cands.sort((a, b) => b.score - a.score);
  // decode only the candidates (face-api decodes all 5118; the others are never read)
  for (const { i } of cands) {
    const [cy, cx, h, w] = [prior[i * 4]!, prior[i * 4 + 1]!, prior[i * 4 + 2]!, prior[i * 4 + 3]!];
    const ty = raw[i * STRIDE]!;
    const tx = raw[i * STRIDE + 1]!;
    const hh = (Math.exp(raw[i * STRIDE + 2]! / 5) * h) / 2;
    const hw = (Math.exp(raw[i * STRIDE + 3]! / 5) * w) / 2;
    const y = (ty / 10) * h + cy;
    const x = (tx / 10) * w + cx;
    boxes[i * 4] = y - hh;
    boxes[i * 4 + 1] = x - hw;
    boxes[i * 4 + 2] = y + hh;
    boxes[i * 4 + 3] = x + hw;
  }
  const outputSize = Math.min(opts.maxResults, count);
  const selected: Array<{ score: number; i: number }> = [];
  for (const c of cands) {
    if (selected.length >= outputSize) break;
    let keep = true;
    for (let j = selected.length - 1; j >= 0; --j) {
      const v = iou(boxes, c.i, selected[j]!.i);
      if (v === 0) continue;
      // face-api zeroes the score when v > 0.5 (or NaN) and drops the candidate
      if (!(v <= NMS_IOU)) {
        keep = false;
        break;
      }
    }
    if (keep) selected.push(c);
  }
  return selected;
}

/** face-api's decoding, NMS and box mapping for its 512 x 512 input (priors normalised). */
function postprocess(
  raw: Float32Array,
  prior: Float32Array,
  boxes: Float64Array,
  img: { width: number; height: number },
  opts: LocateOptions,
): FaceBoxScore[] {
  const selected = select(raw, prior, boxes, opts);
  // face-api's mapping: relative to the padded square, scaled by 512 / round(side * 512 / max)
  // (not exactly max / side for non-square images), then by the image size
  const { width, height } = img;
  const scale = SIZE / Math.max(width, height);
  const padX = SIZE / Math.round(width * scale);
  const padY = SIZE / Math.round(height * scale);
  const out: FaceBoxScore[] = [];
  for (const { i, score } of selected) {
    const top = Math.max(0, boxes[i * 4]!) * padY;
    const bottom = Math.min(1, boxes[i * 4 + 2]!) * padY;
    const left = Math.max(0, boxes[i * 4 + 1]!) * padX;
    const right = Math.min(1, boxes[i * 4 + 3]!) * padX;
    // face-api throws here (a Rect of negative size); only a box wholly outside the image can
    if (right < left || bottom < top) continue;
    out.push({
      box: [left * width, top * height, (right - left) * width, (bottom - top) * height],
      score,
    });
  }
  return out;
}

/** Input size of `locateAt`: the scaled image, each side rounded up to a multiple of this. */
const INPUT_MULTIPLE = 32;

/** The size of the input `locateAt` builds for an image at a scale. */
export function scaledInput(width: number, height: number, scale: number): { w: number; h: number } {
  const up = (v: number): number =>
    Math.max(INPUT_MULTIPLE, Math.ceil(Math.max(1, Math.round(v * scale)) / INPUT_MULTIPLE) * INPUT_MULTIPLE);
  return { w: up(width), h: up(height) };
}

export interface OnnxSsdOptions {
  /** onnxruntime intra-op threads (default 1: the indexer parallelises across frames). */
  threads?: number;
  /** Calls prepared at once, each with its own buffers (default 1). */
  concurrency?: number;
  /**
   * `locateAt` on the int8 graph (SSD_INT8_LAYERS; ~40 % faster a pass, boxes and scores close to
   * float but not face-api's: test/integration/onnx-face-ssd.test.ts). `locate` stays float.
   */
  int8?: boolean;
}

/** face-api's SSD on onnxruntime, plus `locateAt`: the same net on an input of any size. */
export interface OnnxSsd extends FaceDetectorNet {
  /** SHA-256 of the graph `locate` runs (the float one), built and loaded if not yet. */
  graphSha256(): Promise<string>;
  /** The same for the graph `locateAt` runs (the int8 one with `int8`). */
  scaledGraphSha256(): Promise<string>;
  locateAt(img: RgbPixels, scale: number, opts: LocateOptions, area?: Box): Promise<FaceBoxScore[]>;
}

export async function createOnnxSsd(opts: OnnxSsdOptions = {}): Promise<OnnxSsd> {
  const weights = loadFaceApiWeights(WEIGHTS_ID);
  const prior = priors(weights);
  const levels = ssdLevels(weights);
  // priors of the input sizes seen (regions and tiles come in a few sizes)
  const priorsBySize = new Map<string, Float32Array>();
  const priorsOf = (h: number, w: number): Float32Array => {
    const key = `${h}x${w}`;
    let p = priorsBySize.get(key);
    if (!p) {
      if (priorsBySize.size >= 64) priorsBySize.clear();
      priorsBySize.set(key, (p = priorsFor(levels, h, w)));
    }
    return p;
  };
  const sessionOpts = cpuSessionOptions(opts.threads ?? 1, { shapesVary: true });
  // each graph is built, checked against models/faces-onnx.json and loaded on first use: an
  // index run needs only the one locateAt runs, a search only the float one for query photos
  const graphs = new Map<boolean, Promise<{ sha256: string; session: ort.InferenceSession }>>();
  const graph = (int8: boolean): Promise<{ sha256: string; session: ort.InferenceSession }> => {
    let g = graphs.get(int8);
    if (!g) {
      g = (async () => {
        const bytes = buildSsdMobilenetV1Graph(weights, { int8 });
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        checkBuiltGraph(`${WEIGHTS_ID}@onnx${int8 ? '-int8' : ''}`, sha256);
        return { sha256, session: await ort.InferenceSession.create(bytes, sessionOpts) };
      })();
      graphs.set(int8, g);
    }
    return g;
  };
  const scaledInt8 = opts.int8 ?? false;
  // each slot holds one call's input buffer, resize tables and box scratch; calls beyond the
  // slots wait. onnxruntime-node runs sessions on the JS thread, so more than one slot only lets a
  // caller prepare the next input while a result is being decoded (default 1)
  const slots = Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, () => {
    const input = new Float32Array(3 * SIZE * SIZE);
    return {
      input,
      feed: new ort.Tensor('float32', input, [1, 3, SIZE, SIZE]),
      /** locateAt's input, grown to the largest asked for */
      any: new Float32Array(0),
      scratch: resizeScratch(),
      boxes: new Float64Array(ANCHORS * 4),
    };
  });
  type Slot = (typeof slots)[number];
  const waiting: Array<(slot: Slot) => void> = [];
  let inFlight = 0;
  let released = false;
  let idle: (() => void) | undefined;

  const withSlot = async <T>(img: RgbPixels, f: (slot: Slot) => Promise<T>): Promise<T> => {
    if (released) throw new InternalError('ONNX SSD used after dispose()');
    if (img.width < 1 || img.height < 1 || img.data.length < img.width * img.height * 3)
      throw new InternalError(`ONNX SSD: bad image ${img.width}x${img.height}`);
    const slot = slots.pop() ?? (await new Promise<Slot>((r) => waiting.push(r)));
    inFlight++;
    try {
      return await f(slot);
    } finally {
      inFlight--;
      const next = waiting.shift();
      if (next) next(slot);
      else slots.push(slot);
      if (inFlight === 0) idle?.();
    }
  };

  const locate = (img: RgbPixels, o: LocateOptions): Promise<FaceBoxScore[]> =>
    withSlot(img, async (slot) => {
      preprocess(img, slot.input, slot.scratch);
      const result = await (await graph(false)).session.run({ x: slot.feed });
      const raw = result.raw!.data as Float32Array;
      return postprocess(raw, prior, slot.boxes, img, o);
    });

  /**
   * The image scaled by `scale` (bilinear like `locate`), padded at the bottom/right to a multiple
   * of 32, not to a square: no pass is spent on padding, and a region or a whole frame is seen
   * at the scale asked for in one pass. Boxes in the image's pixels, clipped to it.
   */
  const locateAt = (
    img: RgbPixels,
    scale: number,
    o: LocateOptions,
    area: Box = [0, 0, img.width, img.height],
  ): Promise<FaceBoxScore[]> =>
    withSlot(img, async (slot) => {
      if (!(scale > 0) || !Number.isFinite(scale)) throw new InternalError(`ONNX SSD: bad scale ${scale}`);
      const [ax, ay, aw, ah] = area;
      if (
        !area.every(Number.isInteger) ||
        ax < 0 ||
        ay < 0 ||
        aw < 1 ||
        ah < 1 ||
        ax + aw > img.width ||
        ay + ah > img.height
      )
        throw new InternalError(`ONNX SSD: area ${area.join(',')} outside ${img.width}x${img.height}`);
      const { w, h } = scaledInput(aw, ah, scale);
      if (slot.any.length < 3 * w * h) slot.any = new Float32Array(3 * w * h);
      if (slot.scratch.colAt.length < 2 * w) slot.scratch = resizeScratch(w);
      const input = slot.any.subarray(0, 3 * w * h);
      const ratio = 1 / scale;
      resample(img, input, slot.scratch, w, h, ratio, aw - 1, ah - 1, area);
      const p = priorsOf(h, w);
      if (slot.boxes.length < p.length) slot.boxes = new Float64Array(p.length);
      const { session } = await graph(scaledInt8);
      const result = await session.run({ x: new ort.Tensor('float32', input, [1, 3, h, w]) });
      const raw = result.raw!.data as Float32Array;
      const out: FaceBoxScore[] = [];
      for (const { i, score } of select(raw, p, slot.boxes, o)) {
        const top = Math.max(0, slot.boxes[i * 4]! * ratio);
        const left = Math.max(0, slot.boxes[i * 4 + 1]! * ratio);
        const bottom = Math.min(ah, slot.boxes[i * 4 + 2]! * ratio);
        const right = Math.min(aw, slot.boxes[i * 4 + 3]! * ratio);
        if (right <= left || bottom <= top) continue;
        out.push({ box: [left, top, right - left, bottom - top], score });
      }
      return out;
    });

  return {
    id: `${WEIGHTS_ID}@onnx`,
    graphSha256: async () => (await graph(false)).sha256,
    scaledGraphSha256: async () => (await graph(scaledInt8)).sha256,
    locate,
    locateAt,
    async dispose() {
      if (released) return;
      released = true;
      if (inFlight > 0) await new Promise<void>((r) => (idle = r));
      for (const g of graphs.values()) await (await g.catch(() => undefined))?.session.release();
    },
  };
}
