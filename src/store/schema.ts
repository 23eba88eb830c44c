import { Binary, Field, FixedSizeList, Float32, Float64, Int32, Schema, Utf8 } from 'apache-arrow';

/** Bumped when a table's columns change; a store of another version is refused with a clear message. */
export const SCHEMA_VERSION = 4;

/** Columns every detection row shares, so search and export treat faces and plates alike. */
export interface DetectionRowBase {
  id: string;
  /** The source the row was seen in (SourceRow.id). */
  source_id: string;
  /** That source's content hash (SHA-256 of the file). */
  source_sha256: string;
  camera: string;
  track_id: string;
  /** Seconds from the source's first video frame. */
  offset: number;
  /** Raw presentation time, seconds. */
  pts: number;
  /** Ordinal of the sampled frame. */
  sample: number;
  /** ISO wall-clock time, or null when the source's start is unknown. */
  time: string | null;
  box_x: number;
  box_y: number;
  box_w: number;
  box_h: number;
  /** Source frame size after rotation: the pixels the box refers to. */
  frame_w: number;
  frame_h: number;
  model_id: string;
}

export interface SourceRow {
  /**
   * The source's key: one file at one path (a copy of indexed content at another path, e.g. the
   * same clip filed under two cameras, is a source of its own; see pipeline/index-run.ts).
   */
  id: string;
  /** SHA-256 of the file's content. */
  sha256: string;
  path: string;
  size: number;
  mtime_ms: number;
  camera: string;
  start_time: string | null;
  start_time_source: string;
  duration: number;
  fps: number;
  width: number;
  height: number;
  codec: string;
  rotation: number;
  first_pts: number;
  pipeline_version: string;
  /** 'indexing' while rows are being written; 'complete' once every row of it is in. */
  status: string;
  indexed_at: string;
  frames_sampled: number;
  /** JSON of the settings the source was indexed with. */
  settings: string;
}

export interface FaceRow extends DetectionRowBase {
  score: number;
  size: number;
  sharpness: number;
  yaw: number;
  pitch: number;
  quality: number;
  /** The face verifier's score (-1: no verifier ran). */
  verify: number;
  /** 1: identifiable, searched and clustered; 0: a head seen (turned, or too poor to match). */
  usable: number;
  /** Length of the recogniser's raw vector (its own measure of how identifiable the face is). */
  norm: number;
  vector: number[];
  thumb: Buffer | null;
}

export interface PlateRow extends DetectionRowBase {
  raw: string;
  text: string;
  confidence: number;
  /** JSON number[] */
  char_conf: string;
  /** JSON Array<Array<{char, p}>> */
  alternatives: string;
  crop: Buffer | null;
  /** JSON VehicleLook of this reading ('' when the vehicle was not looked at). */
  vehicle: string;
}

export interface TrackRow {
  id: string;
  kind: string;
  source_id: string;
  source_sha256: string;
  camera: string;
  start_offset: number;
  end_offset: number;
  best_offset: number;
  best_pts: number;
  best_x: number;
  best_y: number;
  best_w: number;
  best_h: number;
  frame_w: number;
  frame_h: number;
  detections: number;
  text: string | null;
  score: number;
  model_id: string;
  thumb: Buffer | null;
  /** Face tracks: how many of its faces are usable for matching (0: a head seen, never matched). */
  usable: number;
  /** Plate tracks: the vehicle's type, when it was seen (core/vehicle.ts VehicleType). */
  vehicle_type: string | null;
  /** Plate tracks: the vehicle's main colour, when it was seen. */
  vehicle_colour: string | null;
  /** Confidence of the type (0..1); -1 when no vehicle was seen. */
  vehicle_confidence: number;
  /** Confidence of the colour (0..1); -1 when none. */
  colour_confidence: number;
  /** Wall-clock time (ISO 8601, UTC) of the first and last sighting; null when the source has none. */
  start_time: string | null;
  end_time: string | null;
}

const f64 = (name: string, nullable = false): Field => new Field(name, new Float64(), nullable);
const i32 = (name: string): Field => new Field(name, new Int32(), false);
const str = (name: string, nullable = false): Field => new Field(name, new Utf8(), nullable);
const bin = (name: string): Field => new Field(name, new Binary(), true);

const detectionFields = (): Field[] => [
  str('id'),
  str('source_id'),
  str('source_sha256'),
  str('camera'),
  str('track_id'),
  f64('offset'),
  f64('pts'),
  i32('sample'),
  str('time', true),
  f64('box_x'),
  f64('box_y'),
  f64('box_w'),
  f64('box_h'),
  i32('frame_w'),
  i32('frame_h'),
  str('model_id'),
];

export const sourcesSchema = new Schema([
  str('id'),
  str('sha256'),
  str('path'),
  f64('size'),
  f64('mtime_ms'),
  str('camera'),
  str('start_time', true),
  str('start_time_source'),
  f64('duration'),
  f64('fps'),
  i32('width'),
  i32('height'),
  str('codec'),
  i32('rotation'),
  f64('first_pts'),
  str('pipeline_version'),
  str('status'),
  str('indexed_at'),
  i32('frames_sampled'),
  str('settings'),
]);

export function facesSchema(dims: number): Schema {
  return new Schema([
    ...detectionFields(),
    f64('score'),
    f64('size'),
    f64('sharpness'),
    f64('yaw'),
    f64('pitch'),
    f64('quality'),
    f64('verify'),
    i32('usable'),
    f64('norm'),
    new Field('vector', new FixedSizeList(dims, new Field('item', new Float32(), true)), false),
    bin('thumb'),
  ]);
}

export const platesSchema = new Schema([
  ...detectionFields(),
  str('raw'),
  str('text'),
  f64('confidence'),
  str('char_conf'),
  str('alternatives'),
  bin('crop'),
  str('vehicle'),
]);

export const tracksSchema = new Schema([
  str('id'),
  str('kind'),
  str('source_id'),
  str('source_sha256'),
  str('camera'),
  f64('start_offset'),
  f64('end_offset'),
  f64('best_offset'),
  f64('best_pts'),
  f64('best_x'),
  f64('best_y'),
  f64('best_w'),
  f64('best_h'),
  i32('frame_w'),
  i32('frame_h'),
  i32('detections'),
  str('text', true),
  f64('score'),
  str('model_id'),
  bin('thumb'),
  i32('usable'),
  str('vehicle_type', true),
  str('vehicle_colour', true),
  f64('vehicle_confidence'),
  f64('colour_confidence'),
  str('start_time', true),
  str('end_time', true),
]);

export const metaSchema = new Schema([str('key'), str('value')]);

export interface CameraRow {
  id: string;
  name: string;
  lat: number;
  lon: number;
  timezone: string;
  /** ';'-separated */
  tags: string;
  clock_offset: number;
  updated_at: string;
}

export const camerasSchema = new Schema([
  str('id'),
  str('name'),
  f64('lat'),
  f64('lon'),
  str('timezone'),
  str('tags'),
  f64('clock_offset'),
  str('updated_at'),
]);

/**
 * A watchlist hit raised by `sightline watch`: kept so that each sighting is alerted once (across
 * restarts, rescans and re-indexing) and so that a webhook that is down loses nothing.
 */
export interface AlertRow {
  id: string;
  kind: string;
  /** The watchlist entry: a plate pattern, or a person's folder name. */
  entry: string;
  label: string | null;
  source_id: string;
  source_sha256: string;
  source_path: string;
  camera: string;
  track_id: string;
  start_offset: number;
  end_offset: number;
  start_time: string | null;
  /** The alert as delivered (JSON). */
  payload: string;
  raised_at: string;
  /** When the webhook took it; null while pending (or when there is no webhook). */
  delivered_at: string | null;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
}

export const alertsSchema = new Schema([
  str('id'),
  str('kind'),
  str('entry'),
  str('label', true),
  str('source_id'),
  str('source_sha256'),
  str('source_path'),
  str('camera'),
  str('track_id'),
  f64('start_offset'),
  f64('end_offset'),
  str('start_time', true),
  str('payload'),
  str('raised_at'),
  str('delivered_at', true),
  i32('attempts'),
  str('next_attempt_at', true),
  str('last_error', true),
]);
