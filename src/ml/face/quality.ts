/** Face quality measures from pixels and landmarks: pure functions, no model. */
import { fivePointsFrom68, type Point } from '../../core/align.js';
import type { Box } from '../../core/types.js';

/** Side of the square grey patch sharpness is measured on, so faces of any size compare. */
export const SHARPNESS_PATCH = 64;

/**
 * Grey (BT.601 luma) patch of `box` from a packed RGB24 image, resampled bilinearly to
 * size x size. Pixels outside the image repeat the edge.
 */
export function greyPatch(
  rgb: Uint8Array,
  width: number,
  height: number,
  box: Box,
  size = SHARPNESS_PATCH,
): Float32Array {
  const out = new Float32Array(size * size);
  const [bx, by, bw, bh] = box;
  const px = (x: number, y: number): number => {
    const xi = Math.min(width - 1, Math.max(0, x));
    const yi = Math.min(height - 1, Math.max(0, y));
    const o = (yi * width + xi) * 3;
    return 0.299 * (rgb[o] as number) + 0.587 * (rgb[o + 1] as number) + 0.114 * (rgb[o + 2] as number);
  };
  for (let j = 0; j < size; j++) {
    const sy = by + ((j + 0.5) * bh) / size - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let i = 0; i < size; i++) {
      const sx = bx + ((i + 0.5) * bw) / size - 0.5;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      const top = px(x0, y0) * (1 - fx) + px(x0 + 1, y0) * fx;
      const bottom = px(x0, y0 + 1) * (1 - fx) + px(x0 + 1, y0 + 1) * fx;
      out[j * size + i] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** Variance of the 4-neighbour Laplacian over the interior of a grey image; higher is sharper. */
export function laplacianVariance(grey: ArrayLike<number>, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const c = y * width + x;
      const l =
        (grey[c - 1] as number) +
        (grey[c + 1] as number) +
        (grey[c - width] as number) +
        (grey[c + width] as number) -
        4 * (grey[c] as number);
      sum += l;
      sumSq += l * l;
      n++;
    }
  }
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const deg = (r: number): number => (r * 180) / Math.PI;

/**
 * Rough head pose from 68 iBUG landmarks. Yaw: where the nose tip (30) sits between the outer
 * eye corners (36, 45); pitch: where it sits between the eye line and the mouth corners (48, 54),
 * relative to a frontal face's ~0.45. Good to rank frames, not to measure angles.
 */
export function poseFromLandmarks(lm: ReadonlyArray<readonly [number, number]>): {
  yaw: number;
  pitch: number;
} {
  if (lm.length < 68) return { yaw: 0, pitch: 0 };
  const p = (i: number): readonly [number, number] => lm[i] as readonly [number, number];
  const [lx, ly] = p(36);
  const [rx, ry] = p(45);
  const [nx, ny] = p(30);
  const m1y = p(48)[1];
  const m2y = p(54)[1];
  const ex = rx - lx;
  const ey = ry - ly;
  const eyeLen = Math.hypot(ex, ey);
  if (eyeLen === 0) return { yaw: 0, pitch: 0 };
  // nose position along the eye axis, 0..1 (0.5 frontal)
  const t = ((nx - lx) * ex + (ny - ly) * ey) / (eyeLen * eyeLen);
  const yaw = deg(Math.asin(clamp(2 * t - 1, -1, 1)));
  const eyeMidY = (ly + ry) / 2;
  const mouthY = (m1y + m2y) / 2;
  const span = mouthY - eyeMidY;
  if (span <= 0) return { yaw, pitch: 0 };
  const r = (ny - eyeMidY) / span;
  const pitch = deg(Math.asin(clamp((r - 0.62) / 0.38, -1, 1)));
  return { yaw, pitch };
}

export interface QualityInputs {
  score: number;
  size: number;
  sharpness: number;
  yaw: number;
  pitch: number;
}

/**
 * 0..1 score to pick a track's best frame: detector confidence x size (saturating at
 * `fullSize` px) x sharpness (saturating at `fullSharpness`) x frontalness.
 */
export function overallQuality(q: QualityInputs, fullSize = 112, fullSharpness = 400): number {
  const size = clamp(q.size / fullSize, 0, 1);
  const sharp = clamp(Math.sqrt(q.sharpness / fullSharpness), 0, 1);
  const pose =
    Math.max(0, Math.cos((q.yaw * Math.PI) / 180)) * Math.max(0, Math.cos((q.pitch * Math.PI) / 180));
  return clamp(q.score, 0, 1) * (0.3 + 0.7 * size) * (0.3 + 0.7 * sharp) * (0.2 + 0.8 * pose);
}

/**
 * Where the landmark net put the face inside its detector box, as shares of the box: how far down
 * the nose tip (30) is, and how far apart the eye centres (36-41, 42-47) are across the box width.
 * A face the net really sees has its nose below the middle and its eyes apart by 0.4-0.5 of the
 * width when frontal (~cos(yaw) of that when turned).
 */
export function faceLayout(
  lm: ReadonlyArray<readonly [number, number]>,
  box: Box,
): { noseDrop: number; eyeSpan: number } {
  if (lm.length < 68 || box[2] <= 0 || box[3] <= 0) return { noseDrop: 0, eyeSpan: 0 };
  const [[lx, ly], [rx, ry], nose] = fivePointsFrom68(lm) as [Point, Point, Point];
  return { noseDrop: (nose[1] - box[1]) / box[3], eyeSpan: Math.hypot(rx - lx, ry - ly) / box[2] };
}
