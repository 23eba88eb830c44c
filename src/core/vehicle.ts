/**
 * Vehicles that carry plates: decoding a COCO detector's output, which detected vehicle a plate
 * belongs to, the vehicle's main colour, and one type and colour for a whole plate track. Pure.
 */
import type { Box } from './types.js';
import { area, intersection, iou, nms } from './geometry.js';

/** Vehicle types a plate result can carry (the contract's spelling). */
export type VehicleType = 'car' | 'motorcycle' | 'bus' | 'truck' | 'van';
export const VEHICLE_TYPES: readonly VehicleType[] = ['car', 'motorcycle', 'bus', 'truck', 'van'];

/**
 * COCO class index (0-based, 80 classes) of each vehicle type the detector knows. COCO has no
 * van: vans are labelled car or truck in its training data, so 'van' is never produced.
 */
export const COCO_VEHICLE: ReadonlyMap<number, VehicleType> = new Map([
  [2, 'car'],
  [3, 'motorcycle'],
  [5, 'bus'],
  [7, 'truck'],
]);

export interface VehicleDetection {
  /** Box in the detector's input pixels (or whatever frame the caller mapped it to). */
  box: Box;
  type: VehicleType;
  score: number;
  /** Score of each vehicle type at this place (the detector's per-class scores). */
  scores: Partial<Record<VehicleType, number>>;
}

export interface NanodetLevel {
  /** Stride of the level in input pixels (8, 16, 32). */
  stride: number;
  /** Class scores, `cells × classes`, row-major, already sigmoid. */
  cls: Float32Array | number[];
  /** Distribution of the 4 side distances (left, top, right, bottom), `cells × 4·bins`. */
  reg: Float32Array | number[];
  classes: number;
  bins: number;
}

/**
 * Vehicles in one NanoDet (GFL head) output: each cell whose best vehicle-class score is at least
 * `minScore` gives a box from the softmax-expected side distances, then per-type NMS.
 */
export function decodeNanodet(
  levels: readonly NanodetLevel[],
  inputSize: number,
  minScore: number,
  iouThreshold = 0.5,
): VehicleDetection[] {
  const out: VehicleDetection[] = [];
  for (const lv of levels) {
    const grid = Math.round(inputSize / lv.stride);
    const cells = grid * grid;
    for (let i = 0; i < cells; i++) {
      const scores: Partial<Record<VehicleType, number>> = {};
      let best = 0;
      let bestType: VehicleType | null = null;
      for (const [k, type] of COCO_VEHICLE) {
        const s = lv.cls[i * lv.classes + k] ?? 0;
        scores[type] = s;
        if (s > best) {
          best = s;
          bestType = type;
        }
      }
      if (!bestType || best < minScore) continue;
      const d = [0, 0, 0, 0];
      for (let side = 0; side < 4; side++) {
        const off = i * 4 * lv.bins + side * lv.bins;
        let m = -Infinity;
        for (let b = 0; b < lv.bins; b++) m = Math.max(m, lv.reg[off + b] ?? 0);
        let z = 0;
        let e = 0;
        for (let b = 0; b < lv.bins; b++) {
          const p = Math.exp((lv.reg[off + b] ?? 0) - m);
          z += p;
          e += p * b;
        }
        d[side] = (e / z) * lv.stride;
      }
      const cx = (i % grid) * lv.stride;
      const cy = Math.floor(i / grid) * lv.stride;
      const x0 = Math.max(0, cx - (d[0] ?? 0));
      const y0 = Math.max(0, cy - (d[1] ?? 0));
      const x1 = Math.min(inputSize, cx + (d[2] ?? 0));
      const y1 = Math.min(inputSize, cy + (d[3] ?? 0));
      if (x1 <= x0 || y1 <= y0) continue;
      out.push({ box: [x0, y0, x1 - x0, y1 - y0], type: bestType, score: best, scores });
    }
  }
  // one box a vehicle whatever its type: a car scored as truck at the next cell is the same car;
  // the kept box's type is the vote of every cell that saw it (summed per-type scores)
  return nms(out, { iouThreshold }).map((k) => {
    const sums: Partial<Record<VehicleType, number>> = {};
    let n = 0;
    for (const d of out) {
      if (iou(d.box, k.box) < iouThreshold) continue;
      n++;
      for (const t of COCO_VEHICLE.values()) sums[t] = (sums[t] ?? 0) + (d.scores[t] ?? 0);
    }
    let type = k.type;
    let best = -1;
    for (const t of COCO_VEHICLE.values()) {
      const v = (sums[t] ?? 0) / Math.max(1, n);
      sums[t] = v;
      if (v > best) {
        best = v;
        type = t;
      }
    }
    return { ...k, type, scores: sums };
  });
}

/**
 * The vehicle a plate is on: a detection that holds the plate's centre, is wider than the plate
 * and has the plate in its lower two thirds; the best scored such detection. Null when none.
 */
export function vehicleOfPlate(plate: Box, dets: readonly VehicleDetection[]): VehicleDetection | null {
  const [px, py, pw, ph] = plate;
  const cx = px + pw / 2;
  const cy = py + ph / 2;
  let best: VehicleDetection | null = null;
  for (const d of dets) {
    const [x, y, w, h] = d.box;
    if (cx < x || cx > x + w || cy < y + h / 3 || cy > y + h + 0.5 * ph) continue;
    if (w < 1.1 * pw) continue;
    // most of the plate inside the vehicle
    if (intersection(plate, d.box) < 0.6 * area(plate)) continue;
    if (!best || d.score > best.score) best = d;
  }
  return best;
}

/** Colour names a vehicle can be given (what witnesses and registers use). */
export const COLOUR_NAMES = [
  'white',
  'silver',
  'grey',
  'black',
  'red',
  'orange',
  'yellow',
  'green',
  'blue',
  'brown',
  'purple',
] as const;
export type ColourName = (typeof COLOUR_NAMES)[number];

/** Name of one sRGB colour: achromatic by lightness when saturation is low, else by hue. */
export function colourName(r: number, g: number, b: number): ColourName {
  const max = Math.max(r, g, b) / 255;
  const min = Math.min(r, g, b) / 255;
  const l = (max + min) / 2;
  const c = max - min;
  // saturation as in HSV; dark pixels have little room for it, so judge chroma there
  const s = max > 0 ? c / max : 0;
  if (c < 0.12 || s < 0.2) {
    if (l > 0.78) return 'white';
    if (l > 0.55) return 'silver';
    if (l > 0.25) return 'grey';
    return 'black';
  }
  if (max < 0.18) return 'black';
  let h: number;
  const R = r / 255;
  const G = g / 255;
  const B = b / 255;
  if (max === R) h = (((G - B) / c) % 6) * 60;
  else if (max === G) h = ((B - R) / c + 2) * 60;
  else h = ((R - G) / c + 4) * 60;
  if (h < 0) h += 360;
  if (h < 15 || h >= 330) return max < 0.45 && s < 0.6 ? 'brown' : 'red';
  if (h < 40) return max < 0.6 ? 'brown' : 'orange';
  if (h < 70) return max < 0.45 ? 'brown' : 'yellow';
  if (h < 170) return 'green';
  // grey and silver paint in shade, and sky in it, turn bluish under camera white balance: blue
  // paint is told from them by a stronger saturation
  if (h < 260) return s < 0.35 ? (l > 0.55 ? 'silver' : 'grey') : 'blue';
  return 'purple';
}

export interface RgbView {
  data: Uint8Array | Buffer;
  width: number;
  height: number;
}

export interface VehicleColour {
  colour: ColourName;
  /** Share of the sampled body pixels that have this colour. */
  share: number;
}

/**
 * Main colour of a vehicle: the pixels from 45 % down its box (below the windows, which show sky
 * and the inside) to the plate's top (bonnet or boot, grille, bumper), the middle three fifths
 * across (not road or other cars), the plate left out. Glass, grille, tyres, shadow and reflected
 * sky are achromatic, so paint with a hue shows in only part of the area: a hue that holds at least
 * CHROMATIC_MIN_SHARE of it is the colour; otherwise the most common of white, silver, grey and
 * black is. Null when too few pixels are left.
 */
export function vehicleColour(img: RgbView, vehicle: Box, plate: Box): VehicleColour | null {
  const [vx, vy, vw, vh] = vehicle;
  const x0 = Math.max(0, Math.round(vx + 0.2 * vw));
  const x1 = Math.min(img.width, Math.round(vx + 0.8 * vw));
  const y0 = Math.max(0, Math.round(vy + 0.45 * vh));
  const y1 = Math.min(img.height, Math.round(Math.max(plate[1], vy + 0.6 * vh)));
  const step = Math.max(1, Math.round(Math.sqrt(((x1 - x0) * (y1 - y0)) / 4000)));
  const votes = new Map<ColourName, number>();
  let total = 0;
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      if (x >= plate[0] && x < plate[0] + plate[2] && y >= plate[1] && y < plate[1] + plate[3]) continue;
      const o = (y * img.width + x) * 3;
      const r = img.data[o] ?? 0;
      const g = img.data[o + 1] ?? 0;
      const b = img.data[o + 2] ?? 0;
      const name = colourName(r, g, b);
      votes.set(name, (votes.get(name) ?? 0) + 1);
      total++;
    }
  }
  if (total < 50) return null;
  const best = (names: readonly ColourName[]): [ColourName, number] => {
    let name: ColourName = names[0] ?? 'grey';
    let n = -1;
    for (const k of names) {
      const v = votes.get(k) ?? 0;
      if (v > n) {
        n = v;
        name = k;
      }
    }
    return [name, n];
  };
  const [hue, hueN] = best(COLOUR_NAMES.filter((c) => !ACHROMATIC.includes(c)));
  if (hueN >= CHROMATIC_MIN_SHARE * total) return { colour: hue, share: hueN / total };
  const [grey, greyN] = best(ACHROMATIC);
  return { colour: grey, share: greyN / total };
}

const ACHROMATIC: readonly ColourName[] = ['white', 'silver', 'grey', 'black'];

/** Share of a vehicle's sampled pixels one hue must hold to be its colour. */
export const CHROMATIC_MIN_SHARE = 0.2;

/** What one look at a plate's vehicle gave. */
export interface VehicleLook {
  type: VehicleType;
  /** Detector score of the vehicle box. */
  score: number;
  colour: ColourName | null;
  colourShare: number;
}

export interface SettledVehicle {
  type: VehicleType;
  colour: ColourName | null;
  /**
   * 0..1: the detector's mean score for the winning type times the share of looks that agree
   * (for colour, the share of body pixels of that colour, averaged over agreeing looks).
   */
  confidence: number;
  colourConfidence: number;
  looks: number;
}

/** One type and colour for a track from all its looks, each vote weighted by its score. */
export function settleVehicle(looks: readonly VehicleLook[]): SettledVehicle | null {
  if (looks.length === 0) return null;
  const typeVotes = new Map<VehicleType, { w: number; n: number }>();
  let total = 0;
  for (const l of looks) {
    const v = typeVotes.get(l.type) ?? { w: 0, n: 0 };
    v.w += l.score;
    v.n += 1;
    typeVotes.set(l.type, v);
    total += l.score;
  }
  let type: VehicleType = 'car';
  let tv = { w: -1, n: 0 };
  for (const [k, v] of typeVotes) {
    if (v.w > tv.w) {
      tv = v;
      type = k;
    }
  }
  const colourVotes = new Map<ColourName, { w: number; share: number; n: number }>();
  let colourTotal = 0;
  for (const l of looks) {
    if (!l.colour) continue;
    const v = colourVotes.get(l.colour) ?? { w: 0, share: 0, n: 0 };
    v.w += l.colourShare;
    v.share += l.colourShare;
    v.n += 1;
    colourVotes.set(l.colour, v);
    colourTotal += l.colourShare;
  }
  let colour: ColourName | null = null;
  let cv = { w: -1, share: 0, n: 0 };
  for (const [k, v] of colourVotes) {
    if (v.w > cv.w) {
      cv = v;
      colour = k;
    }
  }
  const confidence = total > 0 ? (tv.w / tv.n) * (tv.w / total) : 0;
  const colourConfidence = colour && colourTotal > 0 ? (cv.share / cv.n) * (cv.w / colourTotal) : 0;
  return { type, colour, confidence, colourConfidence, looks: looks.length };
}

/**
 * The square area a vehicle detector should see around a plate (image pixels): eight plate widths
 * a side (a US plate is a sixth of a car's width, an EU one a quarter; a motorcycle is narrow but
 * tall with its rider), at least 160 px, at most the image's shorter side; centred on the plate
 * across, the plate two thirds of the way down (a vehicle is mostly above its plate); moved to lie
 * inside the image.
 */
export function lookArea(plate: Box, width: number, height: number): Box {
  const [px, py, pw, ph] = plate;
  const side = Math.round(Math.min(Math.min(width, height), Math.max(160, 8 * pw, 12 * ph)));
  let x = px + pw / 2 - side / 2;
  let y = py + ph / 2 - (2 * side) / 3;
  x = Math.max(0, Math.min(width - side, x));
  y = Math.max(0, Math.min(height - side, y));
  return [Math.round(x), Math.round(y), side, side];
}

/** A vehicle look already taken: where and when. */
export interface LookMemo {
  offset: number;
  box: Box;
  /** Seconds this look stands for (default LOOK_AGAIN_SECONDS). */
  holds?: number;
  /** Whether the look found a vehicle carrying the plate. */
  found?: boolean;
}

/** Seconds within which a plate near an earlier look is not looked at again. */
export const LOOK_AGAIN_SECONDS = 3;
/**
 * Seconds a look that found no vehicle under digit-only text stands for: such text that stays
 * in place (a clock, a counter burnt into the picture) is not looked at on every scan.
 */
export const NO_VEHICLE_HOLD_SECONDS = 30;

/**
 * The recent look that stands for a plate reading at `offset` (within its hold and two plate
 * widths of it), or null when the reading needs a look of its own. Drops memos too old to matter.
 */
export function recentLook(memos: LookMemo[], box: Box, offset: number): LookMemo | null {
  const holds = (m: LookMemo): number => m.holds ?? LOOK_AGAIN_SECONDS;
  for (let i = memos.length - 1; i >= 0; i--) {
    const m = memos[i];
    if (m && offset - m.offset > holds(m)) memos.splice(i, 1);
  }
  const cx = box[0] + box[2] / 2;
  const cy = box[1] + box[3] / 2;
  for (const m of memos) {
    const mx = m.box[0] + m.box[2] / 2;
    const my = m.box[1] + m.box[3] / 2;
    if (
      Math.abs(offset - m.offset) <= holds(m) &&
      Math.hypot(cx - mx, cy - my) <= 2 * Math.max(box[2], m.box[2])
    )
      return m;
  }
  return null;
}
