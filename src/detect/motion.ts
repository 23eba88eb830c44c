/**
 * Motion gating: a cheap background-difference detector on a small grey copy of each sampled
 * frame. Frames without motion skip the face and plate stages; motion boxes (source pixels) tell
 * the detectors where to look.
 */
import {
  components,
  coverage,
  diffMask,
  dilate,
  greyDownscale,
  mergeBoxes,
  updateBackground,
} from '../core/motion.js';
import type { Box, Frame } from '../core/types.js';

export interface MotionOptions {
  /** Width of the grey copy the detector works on (height keeps the aspect). */
  width: number;
  /** Grey-level difference from the background that counts as change (0..255). */
  threshold: number;
  /** Background learning rate per sampled frame (0..1). */
  alpha: number;
  /** Dilation radius in grey-copy pixels, so a moving body is one blob. */
  dilate: number;
  /** Smallest blob kept, as a share of the grey copy's pixels (noise floor). */
  minArea: number;
}

export const DEFAULT_MOTION_OPTIONS: MotionOptions = {
  width: 256,
  threshold: 16,
  alpha: 0.2,
  dilate: 2,
  minArea: 0.0004,
};

export interface MotionResult {
  /** Moving regions in source pixels (merged when they touch). Empty when nothing moved. */
  boxes: Box[];
  /** Share of the frame the boxes cover, 0..1. */
  coverage: number;
  /** True for the first frame of a source (no background yet: everything is new). */
  first: boolean;
}

export interface MotionDetector {
  detect(frame: Frame): MotionResult;
}

export function createMotionDetector(opts: Partial<MotionOptions> = {}): MotionDetector {
  const o = { ...DEFAULT_MOTION_OPTIONS, ...opts };
  let background: Float32Array | undefined;
  return {
    detect(frame: Frame): MotionResult {
      const gw = Math.min(o.width, frame.width);
      const gh = Math.max(1, Math.round((frame.height * gw) / frame.width));
      const rgb = new Uint8Array(frame.data.buffer, frame.data.byteOffset, frame.data.length);
      const grey = greyDownscale(rgb, frame.width, frame.height, gw, gh);
      if (!background || background.length !== grey.length) {
        background = Float32Array.from(grey);
        const all: Box = [0, 0, frame.sourceWidth, frame.sourceHeight];
        return { boxes: [all], coverage: 1, first: true };
      }
      const mask = dilate(diffMask(grey, background, o.threshold), gw, gh, o.dilate);
      updateBackground(background, grey, o.alpha);
      const minArea = o.minArea * gw * gh;
      const sx = frame.sourceWidth / gw;
      const sy = frame.sourceHeight / gh;
      const blobs = components(mask, gw, gh)
        .filter((c) => c.area >= minArea)
        .map((c): Box => [c.box[0] * sx, c.box[1] * sy, c.box[2] * sx, c.box[3] * sy]);
      const boxes = mergeBoxes(blobs, 2 * Math.max(sx, sy));
      return { boxes, coverage: coverage(boxes, frame.sourceWidth, frame.sourceHeight, 16), first: false };
    },
  };
}
