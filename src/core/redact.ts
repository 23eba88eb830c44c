/**
 * Which regions of an evidence frame are bystanders to redact: every detected face (and, for a
 * plate result, every detected plate) except the subject's own, i.e. the one that overlaps the
 * result's evidence box. Pure geometry.
 */
import type { Box } from './types.js';

export interface RedactRegion {
  kind: 'face' | 'plate';
  /** x, y, w, h in frame pixels, grown by REDACT_MARGIN and clamped to the frame. */
  box: Box;
}

/** Grown by this share of the box on each side: hair, ears and the plate's frame go too. */
export const REDACT_MARGIN = 0.3;
/** A detection this much inside the subject's box (intersection over the smaller) is the subject. */
export const SUBJECT_OVERLAP = 0.5;

function overlapOfSmaller(a: Box, b: Box): number {
  const x = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const y = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const small = Math.min(a[2] * a[3], b[2] * b[3]);
  return small > 0 ? (x * y) / small : 0;
}

/** Grows a box by REDACT_MARGIN each side, clamped to the frame, whole pixels. */
export function grow(b: Box, width: number, height: number, margin = REDACT_MARGIN): Box {
  const x0 = Math.max(0, Math.floor(b[0] - b[2] * margin));
  const y0 = Math.max(0, Math.floor(b[1] - b[3] * margin));
  const x1 = Math.min(width, Math.ceil(b[0] + b[2] * (1 + margin)));
  const y1 = Math.min(height, Math.ceil(b[1] + b[3] * (1 + margin)));
  return [x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)];
}

/**
 * The bystander regions of a frame. `subject`: the result's evidence box and kind; detections
 * of the subject's kind overlapping it are the subject and stay; everything else goes.
 */
export function bystanders(
  detected: { faces: readonly Box[]; plates: readonly Box[] },
  subject: { kind: 'face' | 'plate'; box: Box },
  width: number,
  height: number,
): RedactRegion[] {
  const out: RedactRegion[] = [];
  for (const kind of ['face', 'plate'] as const) {
    for (const b of kind === 'face' ? detected.faces : detected.plates) {
      if (kind === subject.kind && overlapOfSmaller(b, subject.box) >= SUBJECT_OVERLAP) continue;
      out.push({ kind, box: grow(b, width, height) });
    }
  }
  return out;
}
