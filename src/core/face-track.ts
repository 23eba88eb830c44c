/**
 * Links the faces found in the sampled frames of ONE source into tracks (one track = one
 * continuous appearance of one person = one sighting). Pure: no I/O.
 *
 * Greedy: at each sampled frame, every (open track, new face) pair that is plausible gets a score
 * from box overlap and embedding similarity; pairs are taken best first, each track and face used
 * once. A track stays open for `maxGap` sampled frames without a face (occlusion, a missed detection).
 */
import type { Box, FaceDetection } from './types.js';
import { iou } from './geometry.js';
import { cosine, fuseVectors } from './vector.js';

/** The faces of one sampled frame. `seq` counts sampled frames (0, 1, 2, …) in time order. */
export interface FaceFrame {
  seq: number;
  /** Index of the frame in decode order. */
  frame: number;
  /** Seconds from the source's first video frame. */
  offset: number;
  pts: number;
  faces: FaceDetection[];
}

export interface TrackedFace {
  seq: number;
  frame: number;
  offset: number;
  pts: number;
  face: FaceDetection;
}

export interface FaceTrack {
  /** 0, 1, 2… in order of first appearance within the source. */
  id: number;
  detections: TrackedFace[];
  startOffset: number;
  endOffset: number;
  /** The detection with the highest quality.overall (ties: the earliest). */
  best: TrackedFace;
  /** Quality-weighted normalised mean of the detections' descriptors. */
  descriptor: Float32Array;
}

export interface FaceTrackOptions {
  /** How many sampled frames a track may miss and still continue. */
  maxGap: number;
  /** Overlap that counts as "the same place" (with at least `minCosineNear` similarity). */
  minIou: number;
  /**
   * How far (in face widths, per sampled frame elapsed) the face may have moved and still count
   * as near, for a walking person whose boxes no longer overlap at 1–2 samples a second.
   */
  maxMoveWidths: number;
  /** Largest ratio of face heights that still counts as near: a face half the size is someone else. */
  maxSizeRatio: number;
  /** Similarity that links a face near the track's last one. */
  minCosineNear: number;
  /** Similarity that links without being near (the person moved far between samples). */
  minCosineAlone: number;
}

/**
 * face-api's 128-d descriptors are not centred: different people score about 0.83 on average and
 * up to ~0.92 (impostor p99 0.911, docs/accuracy-faces.md), the same person ~0.95+. So position
 * alone never links: a face near the last one (overlapping, or moved at most 1.5 face widths per
 * sample, and of similar size) needs 0.90; without that only the match threshold (0.92) links.
 * Looser rules chained people who passed one spot into one sighting on real office CCTV; these
 * split that clip correctly at the cost of cutting one walk into two sightings (both still found).
 */
export const DEFAULT_FACE_TRACK_OPTIONS: FaceTrackOptions = {
  maxGap: 2,
  minIou: 0.2,
  maxMoveWidths: 1.5,
  maxSizeRatio: 1.4,
  minCosineNear: 0.9,
  minCosineAlone: 0.92,
};

interface OpenTrack {
  id: number;
  detections: TrackedFace[];
  lastSeq: number;
  lastBox: Box;
  lastDescriptor: Float32Array;
}

/** Link score of a candidate pair, or null when the pair is not plausible. */
export function linkScore(
  prev: Box,
  prevDesc: Float32Array,
  next: Box,
  nextDesc: Float32Array,
  o: FaceTrackOptions,
  elapsed = 1,
): number | null {
  const ov = iou(prev, next);
  const sim = cosine(prevDesc, nextDesc);
  const dx = prev[0] + prev[2] / 2 - (next[0] + next[2] / 2);
  const dy = prev[1] + prev[3] / 2 - (next[1] + next[3] / 2);
  const moved = Math.hypot(dx, dy) / Math.max(1, prev[2], next[2]);
  const ratio = Math.max(prev[3], next[3]) / Math.max(1, Math.min(prev[3], next[3]));
  const near = ratio <= o.maxSizeRatio && (ov >= o.minIou || moved <= o.maxMoveWidths * Math.max(1, elapsed));
  if ((near && sim >= o.minCosineNear) || sim >= o.minCosineAlone) return ov + sim;
  return null;
}

export function linkFaceTracks(
  frames: readonly FaceFrame[],
  options: Partial<FaceTrackOptions> = {},
): FaceTrack[] {
  const o = { ...DEFAULT_FACE_TRACK_OPTIONS, ...options };
  const ordered = [...frames].sort((a, b) => a.seq - b.seq);
  const open: OpenTrack[] = [];
  const closed: OpenTrack[] = [];
  let nextId = 0;

  for (const fr of ordered) {
    // close tracks that have been missing too long
    for (let i = open.length - 1; i >= 0; i--) {
      const t = open[i] as OpenTrack;
      if (fr.seq - t.lastSeq > o.maxGap + 1) closed.push(...open.splice(i, 1));
    }
    const pairs: Array<{ t: number; f: number; s: number }> = [];
    open.forEach((t, ti) => {
      fr.faces.forEach((face, fi) => {
        const s = linkScore(t.lastBox, t.lastDescriptor, face.box, face.descriptor, o, fr.seq - t.lastSeq);
        if (s !== null) pairs.push({ t: ti, f: fi, s });
      });
    });
    pairs.sort((a, b) => b.s - a.s || a.t - b.t || a.f - b.f);
    const usedT = new Set<number>();
    const usedF = new Set<number>();
    for (const p of pairs) {
      if (usedT.has(p.t) || usedF.has(p.f)) continue;
      usedT.add(p.t);
      usedF.add(p.f);
      const t = open[p.t] as OpenTrack;
      const face = fr.faces[p.f] as FaceDetection;
      t.detections.push({ seq: fr.seq, frame: fr.frame, offset: fr.offset, pts: fr.pts, face });
      t.lastSeq = fr.seq;
      t.lastBox = face.box;
      t.lastDescriptor = face.descriptor;
    }
    fr.faces.forEach((face, fi) => {
      if (usedF.has(fi)) return;
      open.push({
        id: nextId++,
        detections: [{ seq: fr.seq, frame: fr.frame, offset: fr.offset, pts: fr.pts, face }],
        lastSeq: fr.seq,
        lastBox: face.box,
        lastDescriptor: face.descriptor,
      });
    });
  }
  return [...closed, ...open].sort((a, b) => a.id - b.id).map(finishTrack);
}

function finishTrack(t: OpenTrack): FaceTrack {
  const first = t.detections[0] as TrackedFace;
  let best = first;
  for (const d of t.detections) if (d.face.quality.overall > best.face.quality.overall) best = d;
  const last = t.detections[t.detections.length - 1] as TrackedFace;
  const descriptor = fuseVectors(
    t.detections.map((d) => d.face.descriptor),
    t.detections.map((d) => Math.max(1e-3, d.face.quality.overall)),
  );
  return {
    id: t.id,
    detections: t.detections,
    startOffset: first.offset,
    endOffset: last.offset,
    best,
    descriptor,
  };
}
