import { linkFaceTracks, type FaceFrame } from '../core/face-track.js';
import type { FaceDetection, PlateReading } from '../core/types.js';
import type { IndexSettings } from '../config/settings.js';
import { createPlateReader } from '../detect/plates.js';
import { createFaceAnalyzer } from '../ml/face/index.js';
import { trackPlates, type FrameReadings } from '../track/plates.js';
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
  return `sightline-${TOOL_VERSION}|${kinds.join('+') || 'none'}|fps=${s.fps}|w=${s.maxWidth}`;
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

export function linkFaces(obs: Array<Observed<FaceDetection>>): LinkedTrack[] {
  const frames: FaceFrame[] = byFrame(obs).map((f) => ({
    seq: f.sample,
    frame: f.sample,
    offset: f.offset,
    pts: f.pts,
    faces: f.items,
  }));
  const at = indexOf(obs);
  return linkFaceTracks(frames).map((t) => ({
    members: t.detections.map((d) => at.get(d.face)!),
    best: at.get(t.best.face)!,
    score: t.best.face.quality.overall,
  }));
}

export function linkPlates(obs: Array<Observed<PlateReading>>): LinkedTrack[] {
  const frames: FrameReadings[] = byFrame(obs).map((f) => ({
    frame: f.sample,
    offset: f.offset,
    pts: f.pts,
    readings: f.items,
  }));
  const at = indexOf(obs);
  return trackPlates(frames).map((t) => ({
    members: t.readings.map((r) => at.get(r.reading)!),
    best: at.get(t.best.reading)!,
    text: t.text,
    score: t.confidence,
  }));
}

/** The detectors of an index run, loaded once and shared by every file of the batch. */
export async function buildStages(settings: IndexSettings): Promise<Stages> {
  const stages: Stages = {};
  if (settings.faces.enabled) {
    const analyzer = await createFaceAnalyzer();
    const faces: FaceStage = {
      kind: 'face',
      modelId: analyzer.modelId,
      process: (frame) => analyzer.analyzeFrame(frame),
      link: linkFaces,
      dispose: () => analyzer.dispose(),
    };
    stages.faces = faces;
  }
  if (settings.plates.enabled) {
    const reader = await createPlateReader();
    const plates: PlateStage = {
      kind: 'plate',
      modelId: reader.modelId,
      process: (frame) => reader.readFrame(frame),
      link: linkPlates,
      dispose: () => reader.dispose(),
    };
    stages.plates = plates;
  }
  return stages;
}
