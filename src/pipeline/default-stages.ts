import { linkFaceTracks, type FaceFrame } from '../core/face-track.js';
import { faceCalibration } from '../ml/face/calibration.js';
import { coverage, growBox, mergeBoxes } from '../core/motion.js';
import { DEFAULT_SCAN, newScanState, noteFound, planScan } from '../core/scan-plan.js';
import type { Box, FaceDetection, Frame, PlateReading } from '../core/types.js';
import type { IndexSettings } from '../config/settings.js';
import { createPlateReader, DET_LIMIT_SIDE } from '../detect/plates.js';
import { createFaceAnalyzer } from '../ml/face/index.js';
import { trackPlates, type FrameReadings } from '../track/plates.js';
import { formatTexts } from '../core/plate-format.js';
import { createVehicleLooker } from '../detect/vehicles.js';
import { loadVehicleDetector, verifyVehicleModel, type VehicleDetector } from '../ml/vehicle/nanodet.js';
import { TOOL_VERSION } from '../version.js';
import type { FaceStage, LinkedTrack, Observed, PlateStage, Stages } from './stages.js';

/**
 * What decides whether a source indexed earlier is still indexed "the same way": the tool
 * version (bumped whenever a model or algorithm changes) and every setting that changes rows.
 */
export function pipelineVersion(settings: IndexSettings): string {
  const s = settings.sampling;
  const kinds = [settings.faces.enabled ? 'faces' : '', settings.plates.enabled ? 'plates' : ''].filter(
    Boolean,
  );
  const m = settings.motion;
  const motion = m.enabled ? `|motion=${m.keyframeSeconds}/${m.fullFrameSeconds}/${m.threshold}` : '';
  const plates = settings.plates.enabled
    ? `|plate-scan=${settings.plates.scanSeconds}/${settings.plates.quietScanSeconds}${settings.plates.vehicles ? '|vehicles' : ''}|region=${settings.plates.region}`
    : '';
  const faces = settings.faces.enabled ? `|face-rec=${settings.faces.recognizer}` : '';
  return `sightline-${TOOL_VERSION}|${kinds.join('+') || 'none'}|fps=${s.fps}|w=${s.maxWidth}${motion}${plates}${faces}`;
}

/** Groups observations by sampled frame, remembering each detection's index in the list. */
function byFrame<T>(
  obs: Array<Observed<T>>,
): Array<{ sample: number; offset: number; pts: number; items: T[] }> {
  const frames = new Map<number, { sample: number; offset: number; pts: number; items: T[] }>();
  for (const o of obs) {
    let f = frames.get(o.sample);
    if (!f) frames.set(o.sample, (f = { sample: o.sample, offset: o.offset, pts: o.pts, items: [] }));
    f.items.push(o.det);
  }
  return [...frames.values()].sort((a, b) => a.sample - b.sample);
}

function indexOf<T extends object>(obs: Array<Observed<T>>): Map<T, number> {
  return new Map(obs.map((o, i) => [o.det, i]));
}

/**
 * Links a source's faces into tracks with the similarity thresholds of the recogniser that made
 * the vectors (models/face-calibration.json): each recogniser's scores have their own scale.
 */
export function linkFaces(
  obs: Array<Observed<FaceDetection>>,
  recognizer = 'faceplugin/mobilefacenet-512',
): LinkedTrack[] {
  const cal = faceCalibration(recognizer);
  const frames: FaceFrame[] = byFrame(obs).map((f) => ({
    seq: f.sample,
    frame: f.sample,
    offset: f.offset,
    pts: f.pts,
    faces: f.items,
  }));
  const at = indexOf(obs);
  const options = {
    minCosineNear: cal.trackNear,
    minCosineAlone: cal.trackAlone,
    maxMoveWidths: cal.trackMoveWidths,
  };
  return linkFaceTracks(frames, options).map((t) => ({
    members: t.detections.map((d) => at.get(d.face)!),
    best: at.get(t.best.face)!,
    score: t.best.face.quality.overall,
  }));
}

export function linkPlates(obs: Array<Observed<PlateReading>>, region = 'none'): LinkedTrack[] {
  const frames: FrameReadings[] = byFrame(obs).map((f) => ({
    frame: f.sample,
    offset: f.offset,
    pts: f.pts,
    readings: f.items,
  }));
  const at = indexOf(obs);
  const tracks = trackPlates(frames);
  // the settled texts in the plate formats of the camera's region; the readings stay as read
  const { texts } = formatTexts(
    tracks.map((t) => t.text),
    region,
  );
  return tracks.map((t, i) => ({
    members: t.readings.map((r) => at.get(r.reading)!),
    best: at.get(t.best.reading)!,
    text: texts[i] ?? t.text,
    score: t.confidence,
  }));
}

/** The detectors of an index run, loaded once and shared by every file of the batch. */
export async function buildStages(
  settings: IndexSettings,
  parts: { vehicleDetector?: VehicleDetector } = {},
): Promise<Stages> {
  const stages: Stages = {};
  if (settings.faces.enabled) {
    // 'cpu' is the tested default; onnxruntime (plates) stays on its CPU provider for now
    const analyzer = await createFaceAnalyzer({
      device: settings.runtime.device,
      recognizerId: settings.faces.recognizer,
    });
    const faces: FaceStage = {
      kind: 'face',
      modelId: analyzer.modelId,
      // descriptor reuse inside a track: state per source, started by processSource
      beginSource: (id) => analyzer.resetTrackingState(id),
      process: (frame) => analyzer.analyzeFrame(frame),
      link: (obs) => linkFaces(obs, analyzer.modelId),
      dispose: () => analyzer.dispose(),
    };
    stages.faces = faces;
  }
  if (settings.plates.enabled) {
    const reader = await createPlateReader({ digitPlates: settings.plates.vehicles });
    // the vehicle detector loads at the first plate it is asked about: people footage never pays
    let detector: Promise<VehicleDetector> | undefined;
    const getDetector = (): Promise<VehicleDetector> =>
      (detector ??= parts.vehicleDetector ? Promise.resolve(parts.vehicleDetector) : loadVehicleDetector());
    if (settings.plates.vehicles && !parts.vehicleDetector) verifyVehicleModel();
    const looker = settings.plates.vehicles ? createVehicleLooker(getDetector) : null;
    const scanOpts = {
      ...DEFAULT_SCAN,
      scanSeconds: settings.plates.scanSeconds,
      quietScanSeconds: settings.plates.quietScanSeconds,
    };
    let scan = newScanState();
    const plates: PlateStage = {
      kind: 'plate',
      modelId: reader.modelId,
      beginSource: () => {
        scan = newScanState();
        looker?.beginSource();
      },
      process: async (frame) => {
        // text detection only where a plate is new or being followed (src/core/scan-plan.ts)
        const plan = planScan(
          scan,
          {
            offset: frame.offset,
            width: frame.sourceWidth,
            height: frame.sourceHeight,
            regions: frame.regions,
          },
          scanOpts,
        );
        if (plan.reason === 'none') return [];
        const { regions: _r, ...whole } = frame;
        const target: Frame = plan.areas === 'all' ? whole : { ...whole, regions: plan.areas };
        const read = await readPlateRegions(target, (f, side) => reader.readFrame(f, side));
        // digit-only readings (needsVehicle: asked for only with vehicle looks) are kept only
        // where a vehicle carries them
        const readings = looker ? await looker.look(frame, read) : read;
        noteFound(
          scan,
          frame.offset,
          readings.map((r) => r.box),
        );
        return readings;
      },
      link: (obs) => linkPlates(obs, settings.plates.region),
      dispose: async () => {
        if (detector) (await detector).dispose();
        await reader.dispose();
      },
    };
    stages.plates = plates;
  }
  return stages;
}

/** Border around a motion region read for plates, frame pixels (the plate may trail the motion). */
const PLATE_REGION_PADDING = 48;
/** Regions covering more than this share of the frame: read the whole frame. */
const PLATE_REGIONS_MAX_COVERAGE = 0.5;

/** Motion areas up to this side are read at the frame's own resolution. */
const PLATE_REGION_NATIVE_SIDE = 640;

/**
 * Longest side the text detector sees for a motion area of longest side `side` in a frame of
 * longest side `frameSide`: the area's own pixels up to PLATE_REGION_NATIVE_SIDE; a larger area
 * is scaled down, but never below the scale the whole frame is read at (DET_LIMIT_SIDE /
 * frameSide), so a plate is never smaller than a whole-frame read would see it. People fill most
 * large motion areas of indoor footage; reading them at native size cost ~40 % of the detector
 * time there.
 */
export function plateRegionDetSide(side: number, frameSide: number): number {
  const wholeScale = Math.min(1, DET_LIMIT_SIDE / frameSide);
  return Math.max(Math.min(side, PLATE_REGION_NATIVE_SIDE), Math.ceil(side * wholeScale));
}

/**
 * Plate reading limited to motion regions: each padded region is cut out as a frame of its own
 * and read at plateRegionDetSide (never below the whole frame's scale, so the text detector sees
 * the plate no smaller than in the whole frame); readings are moved back to source pixels. Whole
 * frame when there are no regions. `read(frame, detSide)`: detSide undefined = the reader's default.
 */
export async function readPlateRegions(
  frame: Frame,
  read: (f: Frame, detSide?: number) => Promise<PlateReading[]>,
): Promise<PlateReading[]> {
  if (!frame.regions) return read(frame);
  const sx = frame.sourceWidth / frame.width;
  const sy = frame.sourceHeight / frame.height;
  const areas = mergeBoxes(
    frame.regions.map((b) =>
      growBox(
        [b[0] / sx, b[1] / sy, b[2] / sx, b[3] / sy],
        PLATE_REGION_PADDING,
        0.1,
        frame.width,
        frame.height,
      ),
    ),
  ).filter((b) => b[2] >= 16 && b[3] >= 16);
  if (coverage(areas, frame.width, frame.height) > PLATE_REGIONS_MAX_COVERAGE) {
    const { regions: _r, ...whole } = frame;
    return read(whole);
  }
  const out: PlateReading[] = [];
  for (const [x, y, w, h] of areas) {
    const data = Buffer.allocUnsafe(w * h * 3);
    for (let row = 0; row < h; row++) {
      const from = ((y + row) * frame.width + x) * 3;
      frame.data.copy(data, row * w * 3, from, from + w * 3);
    }
    const sub: Frame = {
      index: frame.index,
      pts: frame.pts,
      offset: frame.offset,
      width: w,
      height: h,
      data,
      sourceWidth: w * sx,
      sourceHeight: h * sy,
    };
    const detSide = plateRegionDetSide(Math.max(w, h), Math.max(frame.width, frame.height));
    for (const r of await read(sub, detSide)) {
      const box: Box = [r.box[0] + x * sx, r.box[1] + y * sy, r.box[2], r.box[3]];
      out.push({ ...r, box });
    }
  }
  return out.sort((a, b) => b.confidence - a.confidence);
}
