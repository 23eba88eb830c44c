/**
 * The face nets behind the analyzer, as interfaces over packed RGB pixels, so one runtime can
 * replace another (face-api on tfjs, the same weights as ONNX graphs on onnxruntime) and be
 * proved equivalent in a test.
 */
import type { Box } from '../../core/types.js';

/** Packed RGB24, row-major, `width * height * 3` bytes. */
export interface RgbPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface FaceBoxScore {
  /** [x, y, w, h] in the pixels of the image given. */
  box: Box;
  score: number;
}

export interface LocateOptions {
  /** Detections below this score are dropped before NMS (face-api's minConfidence). */
  minConfidence: number;
  /** At most this many boxes after NMS (face-api's maxResults). */
  maxResults: number;
}

/** SSD MobileNet v1 face detector, face-api's `SsdMobilenetv1.locateFaces` semantics. */
export interface FaceDetectorNet {
  /** Provenance: which weights, and which runtime/graph. */
  readonly id: string;
  locate(img: RgbPixels, opts: LocateOptions): Promise<FaceBoxScore[]>;
  /**
   * The same net over the image (or `area` of it, read in place) scaled by `scale` and padded
   * only to the net's stride, not to a square (ONNX graph only): one pass sees a region or a whole
   * frame at the scale asked for. Boxes in the pixels of the area, from its corner.
   */
  locateAt?(img: RgbPixels, scale: number, opts: LocateOptions, area?: Box): Promise<FaceBoxScore[]>;
  dispose(): void | Promise<void>;
}

/** 68-point landmarks, face-api's `FaceLandmark68Net.detectLandmarks` semantics. */
export interface LandmarkNet {
  readonly id: string;
  /** One list of 68 [x, y] per crop, in that crop's pixels. */
  detect(crops: RgbPixels[]): Promise<Array<Array<[number, number]>>>;
  dispose(): void | Promise<void>;
}

/** A second opinion on each detector box, from a model trained apart from the detector. */
export interface FaceVerifier {
  readonly id: string;
  /** One score 0..1 per box (image pixels): how surely a face is there. */
  verify(img: RgbPixels, boxes: Box[]): Promise<number[]>;
  dispose(): void | Promise<void>;
}
