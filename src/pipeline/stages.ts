import type { FaceDetection, Frame, PlateReading } from '../core/types.js';

/** A detection together with the frame it was seen in. */
export interface Observed<T> {
  det: T;
  offset: number;
  pts: number;
  sample: number;
}

/** One linked track over a source's observations (indices into the list given to link()). */
export interface LinkedTrack {
  members: number[];
  /** Index of the observation shown as evidence. */
  best: number;
  /** Plates: the settled reading. */
  text?: string;
  score: number;
}

/** What a detector stage must offer the pipeline. Face and plate stages implement it. */
export interface FrameStage<T> {
  readonly kind: 'face' | 'plate';
  readonly modelId: string;
  /** Detections in SOURCE pixels. */
  process(frame: Frame): Promise<T[]>;
  link(observations: Array<Observed<T>>): LinkedTrack[];
  /** Called before a source's first frame, for stages that keep per-source state. */
  beginSource?(sourceId: string): void;
  dispose(): Promise<void> | void;
}

export type FaceStage = FrameStage<FaceDetection>;
export type PlateStage = FrameStage<PlateReading>;

export interface Stages {
  faces?: FaceStage;
  plates?: PlateStage;
}
