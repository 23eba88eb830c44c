/**
 * The JS side shared by the ONNX face nets (landmarks, recognition): face-api's input
 * preprocessing written straight into the graph's NCHW input buffer, and the tfjs → ONNX weight
 * layout helpers.
 *
 * face-api's `NetInput.toBatchTensor(size, centre)` per crop: pad to square with zeros
 * (`padToSquare`: the short side gets round(diff / 2) after and the rest before when centred, all
 * after otherwise), then, unless the square already is `size`, `tf.image.resizeBilinear` with
 * align_corners = half_pixel_centers = false. The nets then subtract the mean RGB and divide.
 * On tfjs-wasm the resize is XNNPACK's (TensorFlow legacy mode): scale = float(side / size),
 * source position = float(dst * scale), taps floor and floor + 1 (clamped), weights the fraction.
 * Positions are computed in float32 here as well so the taps are the same ones.
 */
import { InternalError } from '../../../errors.js';
import type { RgbPixels as Rgb } from '../nets.js';

/** face-api's mean RGB for the landmark and recognition nets (x - mean) / 255. */
export const FACE_MEAN_RGB: readonly [number, number, number] = [122.782, 117.001, 104.298];
export const FACE_DIVISOR = 255;

export interface Normalisation {
  mean: readonly [number, number, number];
  divisor: number;
}

export const FACE_NORMALISATION: Normalisation = { mean: FACE_MEAN_RGB, divisor: FACE_DIVISOR };

/** Where a width x height crop lies in face-api's zero-padded square. */
export function squarePadding(
  width: number,
  height: number,
  centre: boolean,
): { side: number; left: number; top: number } {
  const diff = Math.abs(height - width);
  // face-api appends round(diff * 0.5) (JS rounding: .5 up) and prepends the remainder
  const before = centre ? diff - Math.round(diff * 0.5) : 0;
  return height > width ? { side: height, left: before, top: 0 } : { side: width, left: 0, top: before };
}

/** Per-net scratch space for `writeNetInput`, allocated once and reused on every call. */
export interface ResizeScratch {
  readonly size: number;
  /** Per output column: the two source offsets within a crop row (x * 3) and their weights. */
  colAt: Int32Array;
  colW: Float64Array;
  /** Two horizontally resized source rows, planar [3][size], and which crop rows they hold. */
  rows: [Float64Array, Float64Array];
  rowY: [number, number];
}

export function resizeScratch(size: number): ResizeScratch {
  return {
    size,
    colAt: new Int32Array(2 * size),
    colW: new Float64Array(2 * size),
    rows: [new Float64Array(3 * size), new Float64Array(3 * size)],
    rowY: [-1, -1],
  };
}

/** Key of a row that lies in the padding (all zeros). */
const PAD_ROW = -2;

/** Crop row y resized horizontally into `dst` (planar RGB) with the taps in `s`. */
function resizeRow(data: Uint8Array, rowAt: number, s: ResizeScratch, dst: Float64Array): void {
  const { colAt, colW, size } = s;
  for (let c = 0; c < size; c++) {
    const a = rowAt + colAt[2 * c]!;
    const b = rowAt + colAt[2 * c + 1]!;
    const wa = colW[2 * c]!;
    const wb = colW[2 * c + 1]!;
    dst[c] = wa * data[a]! + wb * data[b]!;
    dst[size + c] = wa * data[a + 1]! + wb * data[b + 1]!;
    dst[2 * size + c] = wa * data[a + 2]! + wb * data[b + 2]!;
  }
}

/**
 * One crop as face-api feeds it to a net: padded to square (centred or not), resized bilinearly to
 * `s.size`, (x - mean) / divisor, written planar (C, H, W) into `out` from `offset`. Separable,
 * with the two source rows in use cached (a crop row is resized horizontally once) and
 * branch-free taps (a tap in the padding reads pixel 0 with weight 0).
 */
export function writeNetInput(
  img: Rgb,
  out: Float32Array,
  offset: number,
  s: ResizeScratch,
  centre: boolean,
  norm: Normalisation,
): void {
  const { data, width, height } = img;
  const { size } = s;
  const { side, left, top } = squarePadding(width, height, centre);
  const ratio = Math.fround(side / size);
  const plane = size * size;
  const rowW = width * 3;
  for (let c = 0; c < size; c++) {
    const f = Math.fround(c * ratio);
    const x0 = Math.floor(f);
    const x1 = Math.min(side - 1, x0 + 1);
    const fx = Math.fround(f - x0);
    const c0 = x0 - left;
    const c1 = x1 - left;
    const in0 = c0 >= 0 && c0 < width;
    const in1 = c1 >= 0 && c1 < width;
    s.colAt[2 * c] = in0 ? c0 * 3 : 0;
    s.colAt[2 * c + 1] = in1 ? c1 * 3 : 0;
    s.colW[2 * c] = in0 ? 1 - fx : 0;
    s.colW[2 * c + 1] = in1 ? fx : 0;
  }
  s.rowY[0] = s.rowY[1] = -1;
  const load = (slot: 0 | 1, y: number): Float64Array => {
    const cy = y - top;
    const key = cy >= 0 && cy < height ? cy : PAD_ROW;
    if (s.rowY[slot] !== key) {
      const other = (1 - slot) as 0 | 1;
      if (s.rowY[other] === key) {
        // upsampling: the bottom row of the last output row is the top row of this one
        [s.rows[0], s.rows[1]] = [s.rows[1], s.rows[0]];
        [s.rowY[0], s.rowY[1]] = [s.rowY[1], s.rowY[0]];
      } else if (key === PAD_ROW) {
        s.rows[slot].fill(0);
        s.rowY[slot] = key;
      } else {
        resizeRow(data, key * rowW, s, s.rows[slot]);
        s.rowY[slot] = key;
      }
    }
    return s.rows[slot];
  };
  const [m0, m1, m2] = norm.mean;
  const means = [m0, m1, m2];
  const div = norm.divisor;
  for (let r = 0; r < size; r++) {
    const f = Math.fround(r * ratio);
    const y0 = Math.floor(f);
    const y1 = Math.min(side - 1, y0 + 1);
    const fy = Math.fround(f - y0);
    const topRow = load(0, y0);
    const botRow = load(1, y1);
    for (let ch = 0; ch < 3; ch++) {
      const at = ch * size;
      const dst = offset + ch * plane + r * size;
      const mean = means[ch]!;
      for (let c = 0; c < size; c++) {
        const t = topRow[at + c]!;
        out[dst + c] = (t + (botRow[at + c]! - t) * fy - mean) / div;
      }
    }
  }
}

/** A batch of crops into `out` ([n, 3, size, size], n = crops.length), face-api's way. */
export function writeNetBatch(
  crops: readonly Rgb[],
  out: Float32Array,
  s: ResizeScratch,
  centre: boolean,
  norm: Normalisation,
): void {
  const stride = 3 * s.size * s.size;
  crops.forEach((img, i) => writeNetInput(img, out, i * stride, s, centre, norm));
}

/** Whether a crop is usable: non-empty, with the bytes its size says. */
export function validCrop(img: Rgb): boolean {
  return (
    Number.isInteger(img.width) &&
    Number.isInteger(img.height) &&
    img.width >= 1 &&
    img.height >= 1 &&
    img.data.length >= img.width * img.height * 3
  );
}

/**
 * A Float32Array that grows (doubling) to the largest batch seen, so a session's input buffer is
 * allocated a handful of times per process instead of once per call.
 */
export class GrowingBuffer {
  private buf: Float32Array;

  constructor(private readonly itemLength: number) {
    this.buf = new Float32Array(itemLength);
  }

  /** A view of exactly n items (its contents are overwritten by the caller). */
  view(n: number): Float32Array {
    const need = n * this.itemLength;
    if (this.buf.length < need) {
      let cap = this.buf.length / this.itemLength;
      while (cap < n) cap *= 2;
      this.buf = new Float32Array(cap * this.itemLength);
    }
    return this.buf.subarray(0, need);
  }
}

/** tfjs conv filter [kh, kw, in, out] → ONNX [out, in, kh, kw]. */
export function toOihw(data: Float32Array, dims: readonly number[]): Float32Array {
  const [kh, kw, cin, cout] = dims as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o]!;
  return out;
}

/** tfjs depthwise filter [kh, kw, c, 1] → ONNX grouped-conv weight [c, 1, kh, kw]. */
export function depthwiseToOihw(data: Float32Array, dims: readonly number[]): Float32Array {
  const [kh, kw, c, mult] = dims as [number, number, number, number];
  if (mult !== 1) throw new InternalError(`depthwise multiplier ${mult} is not supported`);
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < c; i++) out[(i * kh + y) * kw + x] = data[(y * kw + x) * c + i]!;
  return out;
}

/** TensorFlow 'same' padding: the odd pixel goes at the end. Returns [begin, end, outSize]. */
export function samePad(size: number, k: number, stride: number): [number, number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin, out];
}
