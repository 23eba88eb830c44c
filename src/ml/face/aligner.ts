/**
 * Face aligners: cut a face out of a frame the way a recogniser was trained to see it. Each
 * recogniser names the aligner it needs; the analyzer only composes them.
 */
import {
  ARCFACE_TEMPLATE_112,
  fivePointsFrom68,
  invertAffine,
  similarityTransform,
  type Affine,
} from '../../core/align.js';
import type { Box } from '../../core/types.js';
import type { RgbPixels } from './nets.js';

export interface FaceAligner {
  readonly id: string;
  /**
   * The aligned crop of one face: `landmarks` (68 iBUG points) and `box` in the image's pixels.
   */
  align(img: RgbPixels, box: Box, landmarks: ReadonlyArray<readonly [number, number]>): RgbPixels;
}

/**
 * Samples `img` through the inverse of `forward` (image → crop) into a size x size crop,
 * bilinearly; outside the image the edge pixels repeat (no black wedges at frame borders).
 */
export function warpAffineRgb(img: RgbPixels, forward: Affine, width: number, height: number): RgbPixels {
  const inv = invertAffine(forward);
  const out = new Uint8Array(width * height * 3);
  const { data, width: W, height: H } = img;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // pixel centres map to pixel centres
      const sx = inv[0] * (x + 0.5) + inv[1] * (y + 0.5) + inv[2] - 0.5;
      const sy = inv[3] * (x + 0.5) + inv[4] * (y + 0.5) + inv[5] - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const xa = Math.min(W - 1, Math.max(0, x0));
      const xb = Math.min(W - 1, Math.max(0, x0 + 1));
      const ya = Math.min(H - 1, Math.max(0, y0));
      const yb = Math.min(H - 1, Math.max(0, y0 + 1));
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const tl = data[(ya * W + xa) * 3 + c] as number;
        const tr = data[(ya * W + xb) * 3 + c] as number;
        const bl = data[(yb * W + xa) * 3 + c] as number;
        const br = data[(yb * W + xb) * 3 + c] as number;
        const top = tl + (tr - tl) * fx;
        const bottom = bl + (br - bl) * fx;
        out[o + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { data: out, width, height };
}

/** Five points (eye centres, nose tip, mouth corners) onto insightface's ArcFace 112 x 112 template. */
export const arcfaceAligner: FaceAligner = {
  id: 'arcface-5point-112',
  align(img, _box, landmarks) {
    const m = similarityTransform(fivePointsFrom68(landmarks), ARCFACE_TEMPLATE_112);
    return warpAffineRgb(img, m, 112, 112);
  },
};
