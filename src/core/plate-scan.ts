/**
 * When and where a source's frames are read for plates. Text detection is the costly part of
 * plate reading (a whole 1080p frame is ~0.5 Mpx through the DB net), and most motion in CCTV
 * is people, so reading every analysed frame everywhere wastes most of it. The plan:
 *
 * - a **scan** (motion regions, or the whole frame) at most every `scanSeconds`;
 * - between scans, motion that is **new** (not near anything the last scan read) is read at
 *   once, so a vehicle entering is looked at on its first analysed frame;
 * - every analysed frame, the neighbourhood of plates read in the last `hotSeconds` is read
 *   again (small crops at native resolution): a plate being followed gets every sample, which
 *   the per-position vote of a track needs.
 *
 * Pure: the caller keeps the state per source and does the reading.
 */
import { boxesNear, mergeBoxes } from './motion.js';
import type { Box } from './types.js';

export interface PlateScanOptions {
  /** Longest time between two scans of the motion (seconds). */
  scanSeconds: number;
  /** Plates read within this many seconds keep their neighbourhood read on every frame. */
  hotSeconds: number;
}

export const DEFAULT_PLATE_SCAN: PlateScanOptions = { scanSeconds: 1, hotSeconds: 1.5 };

export interface PlateScanState {
  /** Offset of the last scan (-Infinity before the first). */
  lastScan: number;
  /** What the last scan read: boxes in source pixels, or 'all' (the whole frame). */
  scanned: Box[] | 'all';
  /** Plates read lately, source pixels. */
  hot: Array<{ box: Box; offset: number }>;
}

export function newPlateScanState(): PlateScanState {
  return { lastScan: -Infinity, scanned: [], hot: [] };
}

export interface PlateReadPlan {
  /** Areas to read (source pixels), or 'all' for the whole frame; empty: read nothing. */
  areas: Box[] | 'all';
  /** Why, for the record: a timed scan, new motion, only plates being followed, or nothing. */
  reason: 'scan' | 'new-motion' | 'hot' | 'none';
}

/** Where a followed plate may be one sample later: its box grown by its width and twice its height. */
function hotArea(b: Box, width: number, height: number): Box {
  const padX = b[2];
  const padY = 2 * b[3];
  const x = Math.max(0, b[0] - padX);
  const y = Math.max(0, b[1] - padY);
  return [x, y, Math.min(width, b[0] + b[2] + padX) - x, Math.min(height, b[1] + b[3] + padY) - y];
}

/**
 * The plan for one analysed frame, updating `state` (scan time, what was scanned, expired hot
 * plates). `regions`: the frame's motion regions in source pixels; undefined means the whole
 * frame is to be searched (first frame, periodic full frame, or motion nearly everywhere).
 */
export function planPlateRead(
  state: PlateScanState,
  frame: { offset: number; width: number; height: number; regions?: readonly Box[] },
  opts: PlateScanOptions = DEFAULT_PLATE_SCAN,
): PlateReadPlan {
  state.hot = state.hot.filter((h) => frame.offset - h.offset <= opts.hotSeconds && h.offset <= frame.offset);
  const hot = mergeBoxes(state.hot.map((h) => hotArea(h.box, frame.width, frame.height)));
  const due = frame.offset - state.lastScan >= opts.scanSeconds;
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
 * Plates just read (source pixels) start or renew their neighbourhood's every-frame reading. A
 * plate that has not moved (centre within a quarter of its width of one already followed) does
 * not renew it: a parked car's plate is not re-read on every frame for as long as it stays.
 */
export function notePlatesRead(state: PlateScanState, offset: number, boxes: readonly Box[]): void {
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
