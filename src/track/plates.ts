/**
 * Plate tracks: readings of ONE source across its sampled frames linked into sightings of one
 * vehicle, each settled to one string by confidence-weighted voting.
 */
import { InputError } from '../errors.js';
import { plateDistance, patternProblem } from '../core/plate.js';
import { settlePlate } from '../core/plate-vote.js';
import type { Box, PlateReading } from '../core/types.js';

/** The readings of one sampled frame. */
export interface FrameReadings {
  frame: number;
  /** Seconds from the source's first video frame. */
  offset: number;
  pts: number;
  readings: readonly PlateReading[];
}

export interface TrackedReading {
  frame: number;
  offset: number;
  pts: number;
  reading: PlateReading;
}

export interface PlateTrack {
  /** Settled text (A-Z, 0-9). */
  text: string;
  /** Settled confidence 0..1 (see settlePlate). */
  confidence: number;
  startOffset: number;
  endOffset: number;
  /** Every reading linked into the track, in time order. */
  readings: TrackedReading[];
  /** The most confident reading that equals the settled text (or the most confident of the winning cluster). */
  best: TrackedReading;
  /** Readings whose text equals the settled text. */
  agreeing: number;
}

export interface PlateTrackOptions {
  /** Longest gap between two readings of one track, seconds (default 2.5). */
  maxGap?: number;
  /**
   * Largest plate distance per character for two readings to be the same plate, at least 1
   * (default 0.2: on a 7-character plate one wrong character and two confusable slips). 0.35 linked
   * different plates shown one after another at the same place (RK755AJ and RK115AN, 2.2 apart).
   */
  maxDistancePerChar?: number;
  /** How far a plate may move between samples, in widths of its box (default 4). */
  maxMoveWidths?: number;
  /** Drop tracks with fewer readings (default 1). */
  minReadings?: number;
}

interface Open {
  items: TrackedReading[];
  last: TrackedReading;
}

function centre(b: Box): [number, number] {
  return [b[0] + b[2] / 2, b[1] + b[3] / 2];
}

/**
 * Validates a plate search pattern; throws InputError (exit 2) with one line saying what is wrong.
 * (Lives here rather than in core/plate.ts because core may not import errors.ts.)
 */
export function validatePattern(pattern: string): void {
  const problem = patternProblem(pattern);
  if (problem) throw new InputError(problem);
}

/** Cost of linking reading `r` to the open track `t`, or null when it may not be linked. */
function linkCost(t: Open, r: TrackedReading, opts: Required<PlateTrackOptions>): number | null {
  const dt = r.offset - t.last.offset;
  if (dt <= 0 || dt > opts.maxGap) return null;
  const a = t.last.reading;
  const b = r.reading;
  const len = Math.max(a.text.length, b.text.length, 1);
  // distance to the closest of the track's recent texts, so one bad reading does not break it
  let dist = Infinity;
  for (const it of t.items.slice(-5)) dist = Math.min(dist, plateDistance(it.reading.text, b.text));
  const textClose = dist <= Math.max(1, opts.maxDistancePerChar * len);
  const [ax, ay] = centre(a.box);
  const [bx, by] = centre(b.box);
  const move = Math.hypot(ax - bx, ay - by) / Math.max(1, a.box[2], b.box[2]);
  const near = move <= opts.maxMoveWidths;
  if (!textClose) return null;
  if (!near && dist > 0.5) return null;
  return dist / len + 0.1 * move + 0.05 * dt;
}

/** Links per-frame readings of one source into plate tracks, each settled to one string. */
export function trackPlates(frames: readonly FrameReadings[], options: PlateTrackOptions = {}): PlateTrack[] {
  const opts: Required<PlateTrackOptions> = {
    maxGap: options.maxGap ?? 2.5,
    maxDistancePerChar: options.maxDistancePerChar ?? 0.2,
    maxMoveWidths: options.maxMoveWidths ?? 4,
    minReadings: options.minReadings ?? 1,
  };
  const sorted = [...frames].sort((a, b) => a.offset - b.offset || a.frame - b.frame);
  const open: Open[] = [];
  const closed: Open[] = [];
  for (const f of sorted) {
    // retire tracks that can no longer be extended
    for (let i = open.length - 1; i >= 0; i--) {
      const t = open[i];
      if (t && f.offset - t.last.offset > opts.maxGap) {
        closed.push(t);
        open.splice(i, 1);
      }
    }
    const items: TrackedReading[] = f.readings.map((reading) => ({
      frame: f.frame,
      offset: f.offset,
      pts: f.pts,
      reading,
    }));
    // greedy assignment, cheapest pairs first, one reading per track per frame
    const pairs: Array<{ t: number; r: number; c: number }> = [];
    open.forEach((t, ti) =>
      items.forEach((r, ri) => {
        const c = linkCost(t, r, opts);
        if (c !== null) pairs.push({ t: ti, r: ri, c });
      }),
    );
    pairs.sort((a, b) => a.c - b.c);
    const usedT = new Set<number>();
    const usedR = new Set<number>();
    for (const p of pairs) {
      if (usedT.has(p.t) || usedR.has(p.r)) continue;
      const t = open[p.t];
      const r = items[p.r];
      if (!t || !r) continue;
      t.items.push(r);
      t.last = r;
      usedT.add(p.t);
      usedR.add(p.r);
    }
    items.forEach((r, ri) => {
      if (!usedR.has(ri)) open.push({ items: [r], last: r });
    });
  }
  closed.push(...open);

  const tracks: PlateTrack[] = [];
  for (const t of closed) {
    if (t.items.length < opts.minReadings) continue;
    const meanH = t.items.reduce((s, i) => s + i.reading.box[3], 0) / t.items.length;
    const settled = settlePlate(
      t.items.map((i) => ({
        text: i.reading.text,
        charConfidences: i.reading.charConfidences,
        // bigger plates read better; weight by relative height, bounded
        weight: Math.min(2, Math.max(0.5, i.reading.box[3] / Math.max(1, meanH))),
      })),
    );
    if (!settled) continue;
    const byConf = (a: TrackedReading, b: TrackedReading): number =>
      b.reading.confidence - a.reading.confidence;
    const agreeingItems = t.items.filter((i) => i.reading.text === settled.text).sort(byConf);
    const clusterItems = settled.members
      .map((m) => t.items[m])
      .filter((i): i is TrackedReading => !!i)
      .sort(byConf);
    const best = agreeingItems[0] ?? clusterItems[0] ?? t.items[0];
    if (!best) continue;
    tracks.push({
      text: settled.text,
      confidence: settled.confidence,
      startOffset: t.items[0]?.offset ?? 0,
      endOffset: t.items[t.items.length - 1]?.offset ?? 0,
      readings: t.items,
      best,
      agreeing: settled.agreeing,
    });
  }
  return tracks.sort((a, b) => a.startOffset - b.startOffset);
}
