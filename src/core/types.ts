/** Shared shapes of Sightline. Pure data: no I/O, no behaviour. */
import type { VehicleLook } from './vehicle.js';

/** Axis-aligned box in pixels: [x, y, w, h], top-left origin. */
export type Box = [number, number, number, number];

/** One decoded, sampled video frame, packed RGB24 (3 bytes a pixel, row-major, no padding). */
export interface Frame {
  /** Index of this frame among all decoded frames of the source, from 0 (decode order). */
  index: number;
  /** Raw presentation time of the frame, seconds. */
  pts: number;
  /** Seconds from the source's first video frame: pts minus the first frame's pts. */
  offset: number;
  /** Size of `data` as decoded (may be scaled down from the source). */
  width: number;
  height: number;
  data: Buffer;
  /** Source frame size after rotation; boxes are reported in these pixels. */
  sourceWidth: number;
  sourceHeight: number;
  /**
   * Where something moved since the previous sampled frame, in source pixels (set by motion
   * gating). Absent: look at the whole frame. Detectors may restrict their search to these boxes.
   */
  regions?: Box[];
}

/** A face found in one frame, in source pixels. */
export interface FaceDetection {
  box: Box;
  /** Detector confidence 0..1. */
  score: number;
  /** 68 landmarks [x, y] in source pixels (may be empty when not computed). */
  landmarks: Array<[number, number]>;
  /** L2-normalised embedding. */
  descriptor: Float32Array;
  quality: FaceQuality;
  /** JPEG of the face crop (small), for thumbnails. */
  thumbnail?: Buffer;
  /**
   * True when `descriptor` was copied from the same face in an earlier frame of the source
   * (descriptor reuse inside a track, src/ml/face/reuse.ts) instead of computed on this frame;
   * `landmarks` is then empty and yaw/pitch are the earlier face's. Search never scores such rows.
   */
  descriptorReused?: boolean;
  /**
   * The face verifier's score 0..1 (a second detector re-scoring the box with its surroundings);
   * undefined when no verifier ran. Boxes it rejects are not faces and are never returned.
   */
  verify?: number;
  /**
   * False for a verified head too turned (or too small) to identify: kept as a sighting of a head,
   * never scored in search nor clustered. Undefined counts as usable (older callers).
   */
  usable?: boolean;
  /**
   * Length of the recogniser's raw vector before normalising: recognisers trained with a margin
   * loss give identifiable faces long vectors and non-faces, blur and turned heads short ones.
   */
  embeddingNorm?: number;
}

export interface FaceQuality {
  /** Box height in source pixels. */
  size: number;
  /** Variance of the Laplacian of the grey crop; higher is sharper. */
  sharpness: number;
  /** Estimated yaw from landmarks, degrees (0 = frontal). */
  yaw: number;
  /** Estimated pitch from landmarks, degrees. */
  pitch: number;
  /** Combined 0..1 score used to pick the best frame of a track. */
  overall: number;
}

/** One OCR reading of a plate-like text region in one frame, in source pixels. */
export interface PlateReading {
  box: Box;
  /** Text as recognised (model's characters). */
  raw: string;
  /** Normalised: upper case, only A-Z and 0-9. */
  text: string;
  /** Mean character confidence 0..1. */
  confidence: number;
  /** Confidence of each character of `text`. */
  charConfidences: number[];
  /** For each character of `text`, runner-up characters with probabilities. */
  alternatives: Array<Array<{ char: string; p: number }>>;
  /** JPEG of the plate crop. */
  crop?: Buffer;
  /** The vehicle carrying the plate, when the vehicle detector looked at this reading. */
  vehicle?: VehicleLook;
  /** A reading kept only if a vehicle carries it (digits only: could be a date or a counter). */
  needsVehicle?: boolean;
}

/** What a time base came from, in order of trust. */
export type TimeSource = 'metadata' | 'filename' | 'option' | 'none';

/** Everything probed and derived about one source file before indexing. */
export interface SourceInfo {
  /** The store's key of this file (pipeline/index-run.ts sourceId): content hash and path. */
  id: string;
  path: string;
  sha256: string;
  size: number;
  camera: string;
  /** ISO 8601 wall-clock time of the first video frame, or null when unknown. */
  startTime: string | null;
  startTimeSource: TimeSource;
  duration: number;
  fps: number;
  width: number;
  height: number;
  codec: string;
  rotation: number;
  /** Presentation time of the first video frame, seconds. */
  firstPts: number;
}

/** One result of `search … --json`, per the CLI contract. */
export interface SearchResult {
  kind: 'face' | 'plate';
  pattern?: string;
  camera: string;
  source: { path: string; sha256: string };
  startOffset: number;
  endOffset: number;
  startTime: string | null;
  endTime: string | null;
  score: number;
  text?: string;
  trackId?: string;
  evidence: { offset: number; box: Box; frame?: number; pts?: number };
  /** Faces: how strong the match is, with the false-match rate measured at its score. */
  strength?: { band: string; falseMatchRate: number; statement: string };
  /** Plates: the vehicle carrying the plate, when it was seen (type and colour with confidences). */
  vehicle?: VehicleInfo;
  /** The camera's name and place, when the camera register has it. */
  place?: { name: string; lat: number; lon: number };
  /** At a boundary camera (register tag `boundary`): whether the subject entered or left. */
  boundary?: 'entered' | 'left' | 'unknown';
  /** The examiner's decision (`sightline review`). */
  review?: { decision: 'accepted' | 'rejected' | 'unreviewed'; note?: string };
}

/** A plate result's vehicle (contract: `{ type, colour, confidence }`). */
export interface VehicleInfo {
  type: string;
  colour: string | null;
  /** Confidence of the type, 0..1. */
  confidence: number;
  /** Confidence of the colour, 0..1 (absent without a colour). */
  colourConfidence?: number;
}

export interface SearchDocument {
  query: { kind: 'face' | 'plate' | 'recurring'; [key: string]: unknown };
  results: SearchResult[];
  /** A trail document (`sightline trail --json`): the legs between its sightings, in time order. */
  legs?: TrailLeg[];
  /** A reviewed document (`sightline review`): who decided, when, and how many of each. */
  review?: ReviewSummary;
}

/** Who reviewed a results file, when, and how many sightings were accepted or rejected. */
export interface ReviewSummary {
  examiner: string;
  reviewedAt: string;
  /** The results file reviewed: the original, untouched. */
  resultsFile: { path: string; sha256: string };
  accepted: number;
  rejected: number;
  unreviewed: number;
}

/** One leg of a trail as a document carries it (core/trail.ts Leg adds its place in the trail). */
export interface TrailLeg {
  fromCamera: string;
  toCamera: string;
  /** Wall-clock end of the earlier sighting and start of the later one (ISO 8601 UTC). */
  leftAt: string;
  arrivedAt: string;
  /** Straight-line distance between the cameras, km; null when either camera has no place. */
  distanceKm: number | null;
  seconds: number;
  /** Implied speed, km/h; null without a distance, Infinity for a distance in no time (null in JSON). */
  speedKmh: number | null;
  /** Faster than the plausible speed (or two places at once): one subject cannot make this leg. */
  implausible: boolean;
  /** Why, in words, when implausible. */
  reason?: string;
}
