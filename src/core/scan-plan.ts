/**
 * When and where a source's frames are searched by a costly detector (the plate text detector). Most
 * analysed frames show the same motion as half a second before; searching all of it on every
 * sample is what made plate reading slow (a whole 1080p frame is ~0.5 Mpx through the text
 * detector, most of it people). The plan, per source:
 *
 * - a **scan** (motion regions, or the whole frame) at most every `scanSeconds`, or every
 *   `quietScanSeconds` while nothing has been found for `quietAfterSeconds` (people-only footage:
 *   timed scans were ~90 % of the text detector's work there, and found nothing);
 * - between scans, motion that is **new** (not near anything the last scan searched) is searched
 *   at once, so whatever enters is looked at on its first analysed frame;
 * - every analysed frame, the neighbourhood of things found in the last `hotSeconds` is searched
 *   again (small areas): a plate being followed gets every sample, which the per-position vote
 *   of a plate track needs.
 *
 * Tried for faces too (same plan): on two real indoor clips it cut face time ~15 % but lost 7 %
 * and 40 % of the face detections, so faces still search every analysed frame.
 *
 * Pure: the caller keeps the state per source and does the searching.
 */
import { boxesNear, mergeBoxes } from './motion.js';
import type { Box } from './types.js';

export interface ScanOptions {
  /** Longest time between two scans of the motion (seconds). */
  scanSeconds: number;
  /** The same while nothing was found for `quietAfterSeconds` (>= scanSeconds). */
  quietScanSeconds: number;
  quietAfterSeconds: number;
  /** Things found within this many seconds keep their neighbourhood searched on every frame. */
  hotSeconds: number;
}

export const DEFAULT_SCAN: ScanOptions = {
  scanSeconds: 1,
  quietScanSeconds: 2,
  quietAfterSeconds: 10,
  hotSeconds: 1.5,
};

export interface ScanState {
  /** Offset of the last scan (-Infinity before the first). */
  lastScan: number;
  /** What the last scan read: boxes in source pixels, or 'all' (the whole frame). */
  scanned: Box[] | 'all';
  /** Things found lately, source pixels. */
  hot: Array<{ box: Box; offset: number }>;
  /** When something was last found (the first frame planned counts as a find). */
  lastFound?: number;
}

export function newScanState(): ScanState {
  return { lastScan: -Infinity, scanned: [], hot: [] };
}

export interface ScanPlan {
  /** Areas to read (source pixels), or 'all' for the whole frame; empty: read nothing. */
  areas: Box[] | 'all';
  /** Why, for the record: a timed scan, new motion, only things being followed, or nothing. */
  reason: 'scan' | 'new-motion' | 'hot' | 'none';
}

/** Where a followed plate or face may be one sample later: its box grown by its width and twice its height. */
function hotArea(b: Box, width: number, height: number): Box {
  const padX = b[2];
  const padY = 2 * b[3];
  const x = Math.max(0, b[0] - padX);
  const y = Math.max(0, b[1] - padY);
  return [x, y, Math.min(width, b[0] + b[2] + padX) - x, Math.min(height, b[1] + b[3] + padY) - y];
}

/**
 * The plan for one analysed frame, updating `state` (scan time, what was scanned, expired hot
 * finds). `regions`: the frame's motion regions in source pixels; undefined means the whole
 * frame is to be searched (first frame, periodic full frame, or motion nearly everywhere).
 */
export function planScan(
  state: ScanState,
  frame: { offset: number; width: number; height: number; regions?: readonly Box[] },
  opts: ScanOptions = DEFAULT_SCAN,
): ScanPlan {
  state.hot = state.hot.filter((h) => frame.offset - h.offset <= opts.hotSeconds && h.offset <= frame.offset);
  const hot = mergeBoxes(state.hot.map((h) => hotArea(h.box, frame.width, frame.height)));
  state.lastFound ??= frame.offset;
  const quiet = frame.offset - state.lastFound > opts.quietAfterSeconds;
  const every = quiet ? Math.max(opts.scanSeconds, opts.quietScanSeconds) : opts.scanSeconds;
  const due = frame.offset - state.lastScan >= every;
  if (due) {
    state.lastScan = frame.offset;
    state.scanned = frame.regions ? [...frame.regions] : 'all';
    if (state.scanned === 'all') return { areas: 'all', reason: 'scan' };
    return { areas: mergeBoxes([...state.scanned, ...hot]), reason: 'scan' };
  }
  const scanned = state.scanned;
  const fresh =
    scanned === 'all'
      ? []
      : frame.regions
        ? frame.regions.filter((r) => !scanned.some((s) => boxesNear(r, s, 0)))
        : undefined;
  if (fresh === undefined) {
    // motion everywhere while the last scan read only parts: a new scene, read it all
    state.lastScan = frame.offset;
    state.scanned = 'all';
    return { areas: 'all', reason: 'new-motion' };
  }
  if (fresh.length > 0) {
    state.scanned = mergeBoxes([...(scanned as Box[]), ...fresh]);
    return { areas: mergeBoxes([...fresh, ...hot]), reason: 'new-motion' };
  }
  return hot.length > 0 ? { areas: hot, reason: 'hot' } : { areas: [], reason: 'none' };
}

/**
 * Things just found (source pixels) start or renew their neighbourhood's every-frame search. One
 * that has not moved (centre within a quarter of its width of one already followed) does not
 * renew it: a parked car's plate is not re-read on every frame for as long as it stays.
 */
export function noteFound(state: ScanState, offset: number, boxes: readonly Box[]): void {
  if (boxes.length > 0) state.lastFound = Math.max(state.lastFound ?? offset, offset);
  for (const box of boxes) {
    const cx = box[0] + box[2] / 2;
    const cy = box[1] + box[3] / 2;
    const still = state.hot.some(
      (h) =>
        Math.abs(h.box[0] + h.box[2] / 2 - cx) <= 0.25 * box[2] &&
        Math.abs(h.box[1] + h.box[3] / 2 - cy) <= 0.25 * box[2],
    );
    if (!still) state.hot.push({ box, offset });
  }
}
