/**
 * Descriptor reuse inside a track (index runs only). A face that is clearly the continuation of
 * one in the previous analysed frame of the same source (same place, same size) keeps that face's
 * descriptor instead of running landmarks + the 128-d net again, unless it looks clearly better
 * than the best embedded there so far or the descriptor has aged. Such rows are stored with
 * REUSED_MODEL_SUFFIX on model_id, and search never scores them: a score always comes from a face
 * that was actually embedded.
 */
import type { Box } from '../../core/types.js';
import { iou } from '../../core/geometry.js';

/** Appended to a face row's model_id when its vector was copied, not computed on that frame. */
export const REUSED_MODEL_SUFFIX = '#descriptor-reused';

export interface FaceReuseOptions {
  /**
   * Overlap with a face of the previous analysed frame, moved on by that face's last velocity
   * (a walking person moves ~0.5 box widths between samples at 2 fps), that makes it "the same face".
   */
  minIou: number;
  /** Nearer than this (box widths, after the move) links faces into a chain without reuse. */
  maxLinkWidths: number;
  /** Descriptors a chain must have computed before any is reused (search scores the top 3). */
  minEmbedded: number;
  /** Box heights within this ratio of each other (either way). */
  maxSizeRatio: number;
  /** The previous analysed frame must be at most this many seconds before. */
  maxGapSeconds: number;
  /** A descriptor is recomputed once it is this old, seconds. */
  maxAgeSeconds: number;
  /** Recompute when the estimated quality beats the best embedded there by this share. */
  qualityMargin: number;
}

export const DEFAULT_FACE_REUSE_OPTIONS: FaceReuseOptions = {
  minIou: 0.5,
  maxLinkWidths: 1,
  minEmbedded: 3,
  maxSizeRatio: 1.25,
  maxGapSeconds: 1,
  maxAgeSeconds: 2,
  qualityMargin: 0.15,
};

/** A face of the previous analysed frame whose descriptor may be carried forward. */
export interface ReuseEntry {
  /** Source pixels. */
  box: Box;
  descriptor: Float32Array;
  yaw: number;
  pitch: number;
  /** Best quality.overall among the embedded faces of this chain. */
  bestOverall: number;
  /** The verifier's score of the face the descriptor was computed on. */
  verify?: number;
  /** Whether that face was identifiable (search scores only usable faces). */
  usable?: boolean;
  /** Offset (seconds) of the frame the descriptor was computed on. */
  embeddedAt: number;
  /** Descriptors computed along this chain so far. */
  embedded: number;
  /** Velocity of the box, source pixels a second (0 at the start of a chain). */
  vx: number;
  vy: number;
}

export interface ReuseState {
  sourceId: string;
  /** Offset of the last analysed frame; -Infinity before the first. */
  offset: number;
  faces: ReuseEntry[];
}

export function newReuseState(sourceId: string): ReuseState {
  return { sourceId, offset: -Infinity, faces: [] };
}

/**
 * For each candidate (source-pixel box), the previous face it continues (`prev`) and whether that
 * face's descriptor may be reused (`reuse`), or undefined. Greedy by overlap, each previous face
 * and candidate used once. `estimate(i, prev)` is the candidate's quality with the previous face's
 * pose (landmarks are not run for a reused face).
 */
export function matchReuse(
  state: ReuseState,
  offset: number,
  boxes: readonly Box[],
  estimate: (i: number, prev: ReuseEntry) => number,
  o: FaceReuseOptions = DEFAULT_FACE_REUSE_OPTIONS,
): Array<{ prev: ReuseEntry; reuse: boolean } | undefined> {
  const out = new Array<{ prev: ReuseEntry; reuse: boolean } | undefined>(boxes.length).fill(undefined);
  const gap = offset - state.offset;
  // time must move forward: a frame at or before the last one continues nothing
  if (!(gap > 0 && gap <= o.maxGapSeconds) || state.faces.length === 0) return out;
  const pairs: Array<{ i: number; p: ReuseEntry; ov: number; dist: number }> = [];
  boxes.forEach((b, i) => {
    for (const p of state.faces) {
      const moved: Box = [p.box[0] + p.vx * gap, p.box[1] + p.vy * gap, p.box[2], p.box[3]];
      const ov = iou(b, moved);
      const dist =
        Math.hypot(b[0] + b[2] / 2 - moved[0] - moved[2] / 2, b[1] + b[3] / 2 - moved[1] - moved[3] / 2) /
        Math.max(1, moved[2]);
      const ratio = Math.max(b[3], p.box[3]) / Math.max(1, Math.min(b[3], p.box[3]));
      if (ratio <= o.maxSizeRatio && (ov >= o.minIou || dist <= o.maxLinkWidths))
        pairs.push({ i, p, ov, dist });
    }
  });
  pairs.sort((a, b) => b.ov - a.ov || a.dist - b.dist || a.i - b.i);
  const usedP = new Set<ReuseEntry>();
  for (const { i, p, ov } of pairs) {
    if (out[i] || usedP.has(p)) continue;
    usedP.add(p);
    const fresh =
      ov < o.minIou ||
      p.embedded < o.minEmbedded ||
      offset - p.embeddedAt >= o.maxAgeSeconds ||
      estimate(i, p) > p.bestOverall * (1 + o.qualityMargin);
    out[i] = { prev: p, reuse: !fresh };
  }
  return out;
}
