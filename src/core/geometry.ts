/** Box geometry in pixels. Pure: no I/O. */
import type { Box } from './types.js';

export function area(b: Box): number {
  return Math.max(0, b[2]) * Math.max(0, b[3]);
}

export function intersection(a: Box, b: Box): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union in [0, 1]; 0 for empty boxes. */
export function iou(a: Box, b: Box): number {
  const i = intersection(a, b);
  if (i === 0) return 0;
  const u = area(a) + area(b) - i;
  return u > 0 ? Math.min(1, i / u) : 0;
}

/** Intersection over the smaller box: 1 when one box lies inside the other. */
export function overlapOfSmaller(a: Box, b: Box): number {
  const i = intersection(a, b);
  if (i === 0) return 0;
  const m = Math.min(area(a), area(b));
  return m > 0 ? Math.min(1, i / m) : 0;
}

export function scaleBox(b: Box, sx: number, sy: number = sx): Box {
  return [b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy];
}

export function translateBox(b: Box, dx: number, dy: number): Box {
  return [b[0] + dx, b[1] + dy, b[2], b[3]];
}

/** Clips a box to [0,width)x[0,height); a box wholly outside becomes zero-sized at the border. */
export function clipBox(b: Box, width: number, height: number): Box {
  const x0 = Math.min(Math.max(b[0], 0), width);
  const y0 = Math.min(Math.max(b[1], 0), height);
  const x1 = Math.min(Math.max(b[0] + b[2], 0), width);
  const y1 = Math.min(Math.max(b[1] + b[3], 0), height);
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
}

/** Grows a box by `fraction` of its width/height on every side (0.25 = a quarter each side). */
export function padBox(b: Box, fraction: number): Box {
  const px = b[2] * fraction;
  const py = b[3] * fraction;
  return [b[0] - px, b[1] - py, b[2] + 2 * px, b[3] + 2 * py];
}

/** Smallest integer box holding `b` (for cropping pixels). */
export function roundBoxOut(b: Box): Box {
  const x0 = Math.floor(b[0]);
  const y0 = Math.floor(b[1]);
  return [x0, y0, Math.ceil(b[0] + b[2]) - x0, Math.ceil(b[1] + b[3]) - y0];
}

export interface NmsOptions {
  /** Suppress a box whose IoU with a kept one is at least this. */
  iouThreshold: number;
  /**
   * Also suppress when this share of the smaller box lies inside a kept one (a face found
   * whole in one pass and cut in another). 1 or more disables it.
   */
  containThreshold?: number;
}

/** Greedy non-maximum suppression, best score first. Returns the kept items in score order. */
export function nms<T extends { box: Box; score: number }>(items: readonly T[], opts: NmsOptions): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  const contain = opts.containThreshold ?? 1;
  for (const it of sorted) {
    const suppressed = kept.some(
      (k) =>
        iou(k.box, it.box) >= opts.iouThreshold ||
        (contain < 1 && overlapOfSmaller(k.box, it.box) >= contain),
    );
    if (!suppressed) kept.push(it);
  }
  return kept;
}

/**
 * Overlapping square-ish tiles covering a width x height image, each at most `tile` pixels a side,
 * neighbours overlapping by at least `overlap` pixels (so any object no larger than `overlap`
 * lies whole inside some tile). Tiles are spread evenly; the last one ends at the image edge.
 */
/**
 * An area cut into `across` x `down` pieces, neighbours overlapping by `overlap`, each axis spread
 * evenly from edge to edge with pieces no longer than needed (boxes relative to the area).
 */
export function planPieces(
  width: number,
  height: number,
  across: number,
  down: number,
  overlap: number,
): Box[] {
  const cuts = (len: number, parts: number): Array<[number, number]> => {
    const n = Math.max(1, Math.floor(parts));
    if (n === 1 || len <= overlap) return [[0, len]];
    const piece = Math.min(len, Math.ceil((len + overlap * (n - 1)) / n));
    const step = (len - piece) / (n - 1);
    return Array.from({ length: n }, (_, i): [number, number] => [Math.round(i * step), piece]);
  };
  const out: Box[] = [];
  for (const [y, h] of cuts(height, down)) for (const [x, w] of cuts(width, across)) out.push([x, y, w, h]);
  return out;
}

export function planTiles(width: number, height: number, tile: number, overlap: number): Box[] {
  if (tile <= overlap) throw new RangeError('tile must be larger than overlap');
  const starts = (len: number): number[] => {
    if (len <= tile) return [0];
    const n = Math.ceil((len - overlap) / (tile - overlap));
    const step = (len - tile) / (n - 1);
    return Array.from({ length: n }, (_, i) => Math.round(i * step));
  };
  const tw = Math.min(tile, width);
  const th = Math.min(tile, height);
  const out: Box[] = [];
  for (const y of starts(height)) for (const x of starts(width)) out.push([x, y, tw, th]);
  return out;
}
