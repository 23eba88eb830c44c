/**
 * Licence-plate readings in frames and photos: PaddleOCR text detection over the whole frame,
 * recognition of every text line, and a filter that keeps plate-like strings.
 */
import sharp from 'sharp';
import type { Box, Frame, PlateReading } from '../core/types.js';
import { overlapOfSmaller } from '../core/geometry.js';
import {
  cropRgb,
  loadPaddleOcr,
  type PaddleOcr,
  type RecResult,
  type RgbImage,
  type TextBox,
} from '../ml/ocr/paddle.js';

export interface PlateReaderOptions {
  /** onnxruntime intra-op threads (default 2). */
  threads?: number;
  /** Longest side of the text detector's input (default 960; see docs/accuracy-plates.md). */
  detLimitSide?: number;
  /** DB unclip ratio (default 1.3; see docs/accuracy-plates.md). */
  unclipRatio?: number;
  /** Use the 0/180° classifier (default false). */
  useCls?: boolean;
  /** Pad recogniser input to at least this width (default 0; PaddleOCR's 320 measured worse). */
  recMinWidth?: number;
  /** Drop readings whose mean character confidence is below this (default 0.5). */
  minConfidence?: number;
  /** Also read the union of neighbouring boxes on one line (a plate split at its gap). Default true. */
  mergeLines?: boolean;
  /** Attach a JPEG crop to every reading (default true). */
  crops?: boolean;
  /**
   * Read again, enlarged, each plate-shaped text box that gave no confident plate (default true):
   * the area around the box is upscaled so its text is ZOOM_TEXT_HEIGHT px tall, then detected
   * and recognised on its own (see docs/accuracy-plates.md).
   */
  zoom?: boolean;
  /**
   * Also return digit-only readings (isDigitPlate), marked `needsVehicle` (default false: only a
   * caller that looks at vehicles may ask for them).
   */
  digitPlates?: boolean;
}

export interface PlateReader {
  /** Id of the recogniser (and detector) the readings came from, for provenance. */
  modelId: string;
  /**
   * Readings of one decoded frame, boxes in source pixels; best first. `detLimitSide`: longest side
   * the text detector sees (default the reader's, DET_LIMIT_SIDE).
   */
  readFrame(frame: Frame, detLimitSide?: number): Promise<PlateReading[]>;
  /** Readings of an encoded image (JPEG, PNG, ...), boxes in its pixels; best first. */
  readImage(buf: Buffer): Promise<PlateReading[]>;
  dispose(): Promise<void>;
}

/** Longest side of the image the text detector sees (larger images are scaled down to it). */
export const DET_LIMIT_SIDE = 960;

/** Shortest and longest plate, in normalised characters. */
export const PLATE_MIN_LENGTH = 4;
export const PLATE_MAX_LENGTH = 10;
/** Width/height of a one-line plate's text box. */
export const PLATE_MIN_ASPECT = 1.0;
export const PLATE_MAX_ASPECT = 12;

/**
 * Plate-like text: 4-10 letters/digits with at least one digit and one letter. This drops
 * vanity plates of only letters (e.g. "VODKAA") and all-digit plates, a price we pay to keep
 * shop signs, dates and phone numbers out of the store.
 */
export function isPlateLike(text: string, box?: { w: number; h: number }): boolean {
  if (text.length < PLATE_MIN_LENGTH || text.length > PLATE_MAX_LENGTH) return false;
  if (!/[0-9]/.test(text) || !/[A-Z]/.test(text)) return false;
  return !box || plateShaped(box);
}

/** A one-line plate's width/height. */
function plateShaped(box: { w: number; h: number }): boolean {
  const a = box.w / Math.max(1, box.h);
  return a >= PLATE_MIN_ASPECT && a <= PLATE_MAX_ASPECT;
}

/** Digit-only plates (e.g. Indiana 1049338) are this long; shorter digit runs are prices, times. */
export const DIGIT_PLATE_MIN_LENGTH = 6;
export const DIGIT_PLATE_MAX_LENGTH = 8;

/**
 * Digits only, 6-8 of them, in a plate-shaped box: a plate in several regions, but also a date or
 * a counter burnt into the picture. Such a reading is kept only where a vehicle carries it
 * (`needsVehicle`; the pipeline's vehicle look decides).
 */
export function isDigitPlate(text: string, box?: { w: number; h: number }): boolean {
  if (!/^[0-9]+$/.test(text)) return false;
  if (text.length < DIGIT_PLATE_MIN_LENGTH || text.length > DIGIT_PLATE_MAX_LENGTH) return false;
  return !box || plateShaped(box);
}

/** Every pair of boxes, in `order`, that `join` makes one box of. */
function joinPairs<T>(
  boxes: readonly TextBox[],
  order: (a: TextBox, b: TextBox) => number,
  join: (a: TextBox, b: TextBox) => T | null,
): T[] {
  const sorted = [...boxes].sort(order);
  const out: T[] = [];
  sorted.forEach((a, i) => {
    for (const b of sorted.slice(i + 1)) {
      const joined = join(a, b);
      if (joined) out.push(joined);
    }
  });
  return out;
}

/** The box holding both, scored as the weaker. */
function union(a: TextBox, b: TextBox): TextBox {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    w: Math.max(a.x + a.w, b.x + b.w) - x,
    h: Math.max(a.y + a.h, b.y + b.h) - y,
    score: Math.min(a.score, b.score),
  };
}

/** Unions of neighbouring boxes on one text line: a plate's two halves often come apart. */
export function lineMerges(boxes: readonly TextBox[]): TextBox[] {
  return joinPairs(
    boxes,
    (a, b) => a.x - b.x,
    (a, b) => {
      const minH = Math.min(a.h, b.h);
      const overlapY = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      const gap = b.x - (a.x + a.w);
      if (overlapY < 0.6 * minH || Math.max(a.h, b.h) > 1.5 * minH || gap > 1.2 * minH) return null;
      return union(a, b);
    },
  );
}

/** A two-line plate: its rows, top first, read one by one and joined. */
export interface StackedBox extends TextBox {
  lines: [TextBox, TextBox];
}

/**
 * Two text lines stacked as on a two-line plate (motorcycles, some EU and Brazilian plates): the
 * lower one starts within 0.8 of a line below the upper, they overlap across by most of the narrower
 * one, and they are of like height and width (a state name or slogan over a plate is far smaller
 * than its characters, so it is not taken for a row). The union is near square.
 */
export function stackMerges(boxes: readonly TextBox[]): StackedBox[] {
  return joinPairs(
    boxes,
    (a, b) => a.y - b.y,
    (a, b) => {
      const gap = b.y - (a.y + a.h);
      const minH = Math.min(a.h, b.h);
      if (gap > 0.8 * minH || gap < -0.3 * minH) return null;
      const overlapX = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      if (overlapX < 0.6 * Math.min(a.w, b.w)) return null;
      if (Math.max(a.h, b.h) > 1.67 * minH || Math.max(a.w, b.w) > 2 * Math.min(a.w, b.w)) return null;
      const u = union(a, b);
      if (u.w / u.h < 0.8 || u.w / u.h > 3) return null;
      return { ...u, lines: [a, b] as [TextBox, TextBox] };
    },
  );
}

function contains(outer: Box, inner: Box): boolean {
  const slack = 0.15 * inner[3];
  return (
    inner[0] >= outer[0] - slack &&
    inner[1] >= outer[1] - slack &&
    inner[0] + inner[2] <= outer[0] + outer[2] + slack &&
    inner[1] + inner[3] <= outer[1] + outer[3] + slack
  );
}

async function jpegCrop(img: RgbImage, b: TextBox): Promise<Buffer> {
  const padX = 0.1 * b.w;
  const padY = 0.2 * b.h;
  const c = cropRgb(img, b.x - padX, b.y - padY, b.w + 2 * padX, b.h + 2 * padY);
  return sharp(c.data, { raw: { width: c.width, height: c.height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** Text height (px) a zoomed read enlarges a text box to. */
export const ZOOM_TEXT_HEIGHT = 72;
/** Largest enlargement of a zoomed read. */
export const ZOOM_MAX_SCALE = 4;
/** Zoomed reads per image, the most probable boxes first. */
export const ZOOM_MAX_BOXES = 4;
/** A reading at least this confident (and 5+ characters) needs no zoomed second look. */
export const ZOOM_SETTLED_CONFIDENCE = 0.9;

/** A reading with its ranking score; `rows` 2 for a two-line plate read row by row. */
type Scored = PlateReading & { score: number; rows?: 2 };

/** Readings of one RGB image in its own pixels, best first. Exposed for the evaluation. */
export async function readRgb(
  ocr: PaddleOcr,
  img: RgbImage,
  opts: PlateReaderOptions = {},
): Promise<Scored[]> {
  const boxes = await ocr.detect(img, {
    limitSide: opts.detLimitSide ?? DET_LIMIT_SIDE,
    unclipRatio: opts.unclipRatio ?? 1.3,
  });
  const candidates = opts.mergeLines === false ? boxes : [...boxes, ...lineMerges(boxes)];
  const words: TextBox[] = [];
  const first = [
    ...(await readBoxes(ocr, img, candidates, opts, words)),
    ...(opts.mergeLines === false ? [] : await readStacks(ocr, img, stackMerges(boxes), opts)),
  ];
  if (opts.zoom === false) return dedupe(first);
  const zoomed: Scored[] = [];
  const todo = candidates
    .filter((b) => {
      const a = b.w / Math.max(1, b.h);
      if (a < PLATE_MIN_ASPECT || a > 8 || words.includes(b)) return false;
      const settled = first.some(
        (r) =>
          r.confidence >= ZOOM_SETTLED_CONFIDENCE &&
          r.text.length >= 5 &&
          overlapOfSmaller(r.box, [b.x, b.y, b.w, b.h]) >= 0.5,
      );
      return !settled;
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, ZOOM_MAX_BOXES);
  for (const b of todo) {
    // A box that already read as plate-like text holds the plate: enlarge it with a small margin
    // only (a wide one lets screws, frames and dealer text in as extra characters). A box that
    // read as nothing plate-like may hold part of a plate: give it room for the rest and its rows.
    const readHere = first.some((r) => overlapOfSmaller(r.box, [b.x, b.y, b.w, b.h]) >= 0.5);
    const padX = readHere ? 0.25 * b.h : Math.max(0.5 * b.w, b.h);
    const padY = readHere ? 0.3 * b.h : b.h;
    const x0 = Math.max(0, Math.floor(b.x - padX));
    const y0 = Math.max(0, Math.floor(b.y - padY));
    const x1 = Math.min(img.width, Math.ceil(b.x + b.w + padX));
    const y1 = Math.min(img.height, Math.ceil(b.y + b.h + padY));
    if (x1 - x0 < 8 || y1 - y0 < 8) continue;
    const k = Math.min(ZOOM_MAX_SCALE, Math.max(1, ZOOM_TEXT_HEIGHT / b.h));
    const region = cropRgb(img, x0, y0, x1 - x0, y1 - y0);
    const big = k > 1 ? await upscale(region, k) : region;
    const inner = await readRgb(ocr, big, {
      ...opts,
      zoom: false,
      crops: false,
      detLimitSide: DET_LIMIT_SIDE,
    });
    for (const r of inner) {
      const box: Box = [x0 + r.box[0] / k, y0 + r.box[1] / k, r.box[2] / k, r.box[3] / k];
      zoomed.push({
        ...r,
        box,
        ...(opts.crops === false
          ? {}
          : { crop: await jpegCrop(img, { x: box[0], y: box[1], w: box[2], h: box[3], score: r.score }) }),
      });
    }
  }
  return dedupe(preferZoomed(first, zoomed));
}

async function upscale(img: RgbImage, k: number): Promise<RgbImage> {
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(Math.round(img.width * k), Math.round(img.height * k), { kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Strength of a reading when two of one place disagree: confidence, then length. */
function weight(r: Scored): number {
  return Math.round(r.confidence * 50) / 50 + 0.001 * Math.min(r.text.length, 8);
}

/**
 * First-pass and zoomed readings of one place are one plate read twice: the stronger stays.
 * Readings of other places stay as they are.
 */
export function preferZoomed(first: Scored[], zoomed: Scored[]): Scored[] {
  const out: Scored[] = [];
  const all = [...first, ...zoomed].sort((a, b) => weight(b) - weight(a));
  for (const r of all) {
    if (out.some((k) => overlapOfSmaller(k.box, r.box) >= 0.5)) continue;
    out.push(r);
  }
  return out;
}

async function readBoxes(
  ocr: PaddleOcr,
  img: RgbImage,
  candidates: readonly TextBox[],
  opts: PlateReaderOptions,
  /** Boxes read surely as text that is no plate (a word, a long line): not worth a zoomed read. */
  words: TextBox[] = [],
): Promise<Scored[]> {
  const minConf = opts.minConfidence ?? 0.5;
  const readings: Scored[] = [];
  for (const b of candidates) {
    if (!plateShaped(b)) continue;
    let crop = cropRgb(img, b.x, b.y, b.w, b.h);
    if (opts.useCls && (await ocr.isUpsideDown(crop))) crop = rotate180(crop);
    const r = await ocr.recognise(crop);
    const text = r.plate.text;
    const charConfidences = r.plate.chars.map((c) => c.p);
    const confidence = charConfidences.length
      ? charConfidences.reduce((s, c) => s + c, 0) / charConfidences.length
      : 0;
    const digitsOnly = opts.digitPlates === true && isDigitPlate(text, b);
    if (!digitsOnly && !isPlateLike(text, b)) {
      if (confidence >= ZOOM_SETTLED_CONFIDENCE && text.length >= PLATE_MIN_LENGTH) words.push(b);
      continue;
    }
    if (confidence < minConf) continue;
    readings.push({
      box: [b.x, b.y, b.w, b.h],
      raw: r.raw.text,
      text,
      confidence,
      charConfidences,
      alternatives: r.plate.chars.map((c) => c.alternatives),
      score: confidence * Math.min(1, b.score + 0.3),
      ...(digitsOnly ? { needsVehicle: true } : {}),
      ...(opts.crops === false ? {} : { crop: await jpegCrop(img, b) }),
    });
  }
  return readings;
}

/** Two-line plates: each row recognised on its own, the texts joined top row first. */
async function readStacks(
  ocr: PaddleOcr,
  img: RgbImage,
  stacks: readonly StackedBox[],
  opts: PlateReaderOptions,
): Promise<Scored[]> {
  const minConf = opts.minConfidence ?? 0.5;
  const out: Scored[] = [];
  for (const st of stacks) {
    const rows = [];
    for (const l of st.lines) rows.push(await ocr.recognise(cropRgb(img, l.x, l.y, l.w, l.h)));
    const [top, bottom] = rows as [RecResult, RecResult];
    if (top.plate.text.length === 0 || bottom.plate.text.length === 0) continue;
    const text = top.plate.text + bottom.plate.text;
    if (!isPlateLike(text)) continue;
    const chars = [...top.plate.chars, ...bottom.plate.chars];
    const charConfidences = chars.map((c) => c.p);
    const confidence = charConfidences.reduce((a, c) => a + c, 0) / charConfidences.length;
    if (confidence < minConf) continue;
    out.push({
      box: [st.x, st.y, st.w, st.h],
      raw: `${top.raw.text} ${bottom.raw.text}`,
      text,
      confidence,
      charConfidences,
      alternatives: chars.map((c) => c.alternatives),
      score: confidence * Math.min(1, st.score + 0.3),
      rows: 2,
      ...(opts.crops === false ? {} : { crop: await jpegCrop(img, st) }),
    });
  }
  return out;
}

function dedupe(input: Scored[]): Scored[] {
  const readings = [...input].sort((a, b) => b.score - a.score);
  // a reading inside a better or longer one whose text holds it is the same plate, read in part
  const kept: typeof readings = [];
  for (const r of readings) {
    const dup = kept.some(
      (k) =>
        (contains(k.box, r.box) && k.text.includes(r.text)) ||
        (contains(r.box, k.box) && r.text.includes(k.text) && r.text === k.text),
    );
    if (!dup) kept.push(r);
  }
  // a merged reading that only glues a plate to other text is worse than the plate alone
  // (not a two-line plate: its top row alone may look like a plate too, and is one of its rows)
  return kept.filter((r) =>
    r.rows === 2
      ? true
      : !kept.some(
          (k) =>
            k !== r &&
            ((contains(r.box, k.box) && r.text.includes(k.text) && k.confidence >= r.confidence) ||
              (k.rows === 2 && contains(k.box, r.box) && k.text.includes(r.text))),
        ),
  );
}

function rotate180(img: RgbImage): RgbImage {
  const n = img.width * img.height;
  const data = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++) img.data.copy(data, (n - 1 - i) * 3, i * 3, i * 3 + 3);
  return { data, width: img.width, height: img.height };
}

export async function decodeImage(buf: Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(buf)
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export async function createPlateReader(opts: PlateReaderOptions = {}): Promise<PlateReader> {
  const ocr = await loadPaddleOcr({
    threads: opts.threads ?? 2,
    useCls: opts.useCls ?? false,
    recMinWidth: opts.recMinWidth ?? 0,
  });
  const strip = ({ score: _score, rows: _rows, ...r }: Scored): PlateReading => r;
  return {
    modelId: ocr.ids.rec,
    async readFrame(frame: Frame, detLimitSide?: number): Promise<PlateReading[]> {
      const sx = frame.sourceWidth / frame.width;
      const sy = frame.sourceHeight / frame.height;
      const readings = await readRgb(
        ocr,
        { data: frame.data, width: frame.width, height: frame.height },
        detLimitSide === undefined ? opts : { ...opts, detLimitSide },
      );
      return readings.map((r) => {
        const [x, y, w, h] = r.box;
        return { ...strip(r), box: [x * sx, y * sy, w * sx, h * sy] as Box };
      });
    },
    async readImage(buf: Buffer): Promise<PlateReading[]> {
      return (await readRgb(ocr, await decodeImage(buf), opts)).map(strip);
    },
    dispose: () => ocr.dispose(),
  };
}
