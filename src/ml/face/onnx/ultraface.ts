/**
 * Face verifier: the UltraFace RFB-320 detector shipped by `faceplugin-face-recognition-js`
 * (`model/fr_detect.onnx`, input 1 x 3 x 240 x 320, (x - 127) / 128 RGB; outputs per prior box a
 * [background, face] score and a corner-form box in 0..1) re-scores each box the main detector
 * found. It looks at the box with its surroundings (a region 2.5 times the box, grey outside the
 * frame) and answers how strongly it sees a face where the box is: the best face score of its
 * priors whose box overlaps the expected one. A second detector trained apart from the first
 * rarely makes the same mistake: the backs of heads and the logos face-api's SSD scores 0.5-0.6
 * score low here (docs/accuracy-faces.md). Provenance of the weights: models/faces.json.
 */
import * as ort from 'onnxruntime-node';
import { iou } from '../../../core/geometry.js';
import type { Box } from '../../../core/types.js';
import { loadManifestFile } from '../../model-files.js';
import { cpuSessionOptions, oneAtATime } from '../../onnx/session.js';
import type { FaceVerifier, RgbPixels } from '../nets.js';

export const ULTRAFACE_ID = 'faceplugin/ultraface-rfb-320';
const W = 320;
const H = 240;
/** Region side as a multiple of the box's larger side: enough head and shoulders for context. */
export const VERIFY_CONTEXT = 2.5;
/** A prior's box must overlap the expected face this much to speak for it. */
const MIN_IOU = 0.3;

/** The region (image pixels, may reach outside the image) a box is verified in: 4:3, centred. */
export function verifyRegion(b: Box): Box {
  const h = VERIFY_CONTEXT * Math.max(b[2], b[3]);
  const w = (h * W) / H;
  return [b[0] + b[2] / 2 - w / 2, b[1] + b[3] / 2 - h / 2, w, h];
}

/** Writes `region` of `img`, resized bilinearly to 320 x 240, as normalised NCHW; grey outside. */
export function writeRegion(img: RgbPixels, region: Box, out: Float32Array): void {
  const [rx, ry, rw, rh] = region;
  const sx = rw / W;
  const sy = rh / H;
  const plane = W * H;
  const { data, width, height } = img;
  // per output column: the two source columns (-1: outside the image) and the weight of the second
  const colA = new Int32Array(W);
  const colB = new Int32Array(W);
  const colF = new Float32Array(W);
  for (let i = 0; i < W; i++) {
    const fx = rx + (i + 0.5) * sx - 0.5;
    const x0 = Math.floor(fx);
    colA[i] = x0 >= 0 && x0 < width ? x0 * 3 : -1;
    colB[i] = x0 + 1 >= 0 && x0 + 1 < width ? (x0 + 1) * 3 : -1;
    colF[i] = fx - x0;
  }
  const GREY = 127;
  for (let j = 0; j < H; j++) {
    const fy = ry + (j + 0.5) * sy - 0.5;
    const y0 = Math.floor(fy);
    const wy = fy - y0;
    const rowA = y0 >= 0 && y0 < height ? y0 * width * 3 : -1;
    const rowB = y0 + 1 >= 0 && y0 + 1 < height ? (y0 + 1) * width * 3 : -1;
    for (let i = 0; i < W; i++) {
      const a = colA[i] as number;
      const b = colB[i] as number;
      const wx = colF[i] as number;
      const o = j * W + i;
      for (let c = 0; c < 3; c++) {
        const tl = rowA < 0 || a < 0 ? GREY : (data[rowA + a + c] as number);
        const tr = rowA < 0 || b < 0 ? GREY : (data[rowA + b + c] as number);
        const bl = rowB < 0 || a < 0 ? GREY : (data[rowB + a + c] as number);
        const br = rowB < 0 || b < 0 ? GREY : (data[rowB + b + c] as number);
        const top = tl + (tr - tl) * wx;
        const bottom = bl + (br - bl) * wx;
        out[c * plane + o] = (top + (bottom - top) * wy - 127) / 128;
      }
    }
  }
}

/** Best face score among priors whose box (corner form, 0..1) overlaps `expected` (0..1, x y w h). */
export function bestOverlapScore(scores: Float32Array, boxes: Float32Array, expected: Box): number {
  let best = 0;
  const n = scores.length / 2;
  for (let k = 0; k < n; k++) {
    const s = scores[k * 2 + 1] as number;
    if (s <= best) continue;
    const x1 = boxes[k * 4] as number;
    const y1 = boxes[k * 4 + 1] as number;
    const x2 = boxes[k * 4 + 2] as number;
    const y2 = boxes[k * 4 + 3] as number;
    if (iou([x1, y1, x2 - x1, y2 - y1], expected) >= MIN_IOU) best = s;
  }
  return best;
}

export async function createUltraFaceVerifier(opts: { threads?: number } = {}): Promise<FaceVerifier> {
  const session = await ort.InferenceSession.create(
    loadManifestFile('faces', ULTRAFACE_ID),
    cpuSessionOptions(opts.threads ?? 1),
  );
  const input = new Float32Array(3 * W * H);
  // one run at a time: the input buffer is shared
  const serial = oneAtATime(session, 'face verifier');
  const verify = async (img: RgbPixels, boxes: Box[]): Promise<number[]> => {
    const out: number[] = [];
    for (const b of boxes) {
      const region = verifyRegion(b);
      writeRegion(img, region, input);
      const r = await session.run({ input: new ort.Tensor('float32', input, [1, 3, H, W]) });
      const expected: Box = [
        (b[0] - region[0]) / region[2],
        (b[1] - region[1]) / region[3],
        b[2] / region[2],
        b[3] / region[3],
      ];
      out.push(bestOverlapScore(r.scores!.data as Float32Array, r.boxes!.data as Float32Array, expected));
    }
    return out;
  };
  return {
    id: ULTRAFACE_ID,
    verify: (img, boxes) => serial.run(() => verify(img, boxes)),
    dispose: () => serial.dispose(),
  };
}
