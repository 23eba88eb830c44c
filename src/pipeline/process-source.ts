import { randomUUID } from 'node:crypto';
import { wallClock } from '../core/time.js';
import type { Box, FaceDetection, Frame, PlateReading, SourceInfo } from '../core/types.js';
import { settleVehicle } from '../core/vehicle.js';
import { BufferPool } from '../infra/buffer-pool.js';
import { sampleFrames } from '../infra/ffmpeg.js';
import { createMotionDetector } from '../detect/motion.js';
import { boxesNear, coverage, growBox, mergeBoxes } from '../core/motion.js';
import type { Turn } from '../store/lock.js';
import type { FaceRow, PlateRow, SourceRow, Store, TrackRow } from '../store/store.js';
import type { IndexSettings } from '../config/settings.js';
import type { LinkedTrack, Observed, Stages } from './stages.js';
import { REUSED_MODEL_SUFFIX } from '../ml/face/reuse.js';

export interface SourceResult {
  frames: number;
  /** Sampled frames the detectors looked at (the rest had no motion). */
  analysed: number;
  faces: number;
  plates: number;
  faceTracks: number;
  plateTracks: number;
  stageSeconds: Record<string, number>;
}

export interface ProcessOptions {
  settings: IndexSettings;
  pipelineVersion: string;
  stages: Stages;
  onProgress?: (offset: number, frames: number) => void;
  signal?: AbortSignal;
  mtimeMs: number;
  /**
   * Several processes write this store (queue workers): every write of the source happens at the
   * end, in one turn of the store's lock taken with this; without it the caller holds the lock.
   */
  writeTurn?: () => Promise<Turn>;
}

/**
 * Indexes one source: decode sampled frames once, run every stage on each, link tracks, then
 * write all rows and finally flip the source to 'complete' in one update.
 */
export async function processSource(
  store: Store,
  info: SourceInfo,
  opts: ProcessOptions,
): Promise<SourceResult> {
  const { settings, stages } = opts;
  const sourceRow: SourceRow = {
    id: info.id,
    sha256: info.sha256,
    path: info.path,
    size: info.size,
    mtime_ms: opts.mtimeMs,
    camera: info.camera,
    start_time: info.startTime,
    start_time_source: info.startTimeSource,
    duration: info.duration,
    fps: info.fps,
    width: info.width,
    height: info.height,
    codec: info.codec,
    rotation: info.rotation,
    first_pts: info.firstPts,
    pipeline_version: opts.pipelineVersion,
    status: 'indexing',
    indexed_at: new Date().toISOString(),
    frames_sampled: 0,
    settings: JSON.stringify(settings),
  };
  // alone on the store: the source is marked 'indexing' now, so a crash midway is redone
  if (!opts.writeTurn) await store.beginSource(sourceRow);

  // per-source state of a stage (the face stage's descriptor reuse inside a track)
  stages.faces?.beginSource?.(info.id);
  stages.plates?.beginSource?.(info.id);
  const faceObs: Array<Observed<FaceDetection>> = [];
  const plateObs: Array<Observed<PlateReading>> = [];
  // faces and plates run side by side (tfjs on the JS thread, onnxruntime on its own threads):
  // 'faces'/'plates' are each stage's busy seconds, 'analyse' the wall time of both together
  const stageSeconds: Record<string, number> = {
    decode: 0,
    motion: 0,
    analyse: 0,
    faces: 0,
    plates: 0,
    link: 0,
    write: 0,
  };
  let frames = 0;
  let analysed = 0;
  const motion = settings.motion.enabled
    ? createMotionDetector({ threshold: settings.motion.threshold })
    : undefined;
  let lastKey = -Infinity;
  let lastFull = -Infinity;
  // motion since the last keyframe, and where the last analysed frame had faces or plates
  let activity: Box[] = [];
  let known: Box[] = [];
  const timed = async <T>(name: string, p: Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await p;
    } finally {
      stageSeconds[name] = (stageSeconds[name] ?? 0) + (performance.now() - t0) / 1000;
    }
  };
  let t = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    stageSeconds[name] = (stageSeconds[name] ?? 0) + (now - t) / 1000;
    t = now;
  };

  const lanes = new StageLanes<Frame, FaceDetection, PlateReading>(
    stages.faces ? (f) => timed('faces', stages.faces!.process(f)) : undefined,
    stages.plates ? (f) => timed('plates', stages.plates!.process(f)) : undefined,
    LANE_LAG,
  );
  // a frame's buffer goes back to the pool once motion and both lanes are done with it
  const buffers = new BufferPool(PREFETCH_FRAMES + LANE_LAG + 2);
  const sampled = sampleFrames(info.path, {
    buffers,
    fps: settings.sampling.fps,
    maxWidth: settings.sampling.maxWidth,
    width: info.width,
    height: info.height,
    signal: opts.signal,
  });
  let lastOffset = 0;
  for await (const frame of prefetch(sampled, PREFETCH_FRAMES)) {
    lap('decode');
    frames++;
    lastOffset = frame.offset;
    const at = { offset: frame.offset, pts: frame.pts, sample: frame.index };
    let look = true;
    if (motion) {
      const m = motion.detect(frame);
      const { keyframeSeconds, fullFrameSeconds } = settings.motion;
      let regions: Box[] | undefined = m.boxes;
      if (m.first || frame.offset - lastFull >= fullFrameSeconds) {
        // the whole frame now and then: whatever was there before the first motion is seen
        regions = undefined;
        lastFull = lastKey = frame.offset;
        activity = [];
      } else if (frame.offset - lastKey >= keyframeSeconds) {
        // keyframe: wherever something moved lately or a face/plate was, even if still now
        regions = mergeBoxes([...activity, ...known, ...m.boxes]);
        lastKey = frame.offset;
        activity = [];
      }
      activity = mergeBoxes([...activity, ...m.boxes]);
      if (regions && regions.length === 0) look = false;
      // regions only help while they leave most of the frame out
      else if (regions && coverage(regions, info.width, info.height, 16) < REGIONS_MAX_COVERAGE)
        frame.regions = regions;
      lap('motion');
    }
    if (look) {
      analysed++;
      // faces and plates each work through the analysed frames in order, in their own lane, up
      // to LANE_LAG frames apart: a frame heavy for one stage does not leave the other idle
      const lane = lanes.run(frame, (faces, plates) => {
        buffers.give(frame.data);
        for (const det of faces) faceObs.push({ det, ...at });
        for (const det of plates) plateObs.push({ det, ...at });
        // boxes searched again now are replaced by what was found; the rest are kept
        const searched = frame.regions;
        known = [
          ...(searched ? known.filter((k) => !searched.some((r) => boxesNear(k, r, 0))) : []),
          ...[...faces, ...plates].map((d) => growBox(d.box, 0, 1, info.width, info.height)),
        ];
      });
      await lane;
      lap('analyse');
    } else buffers.give(frame.data);
    opts.onProgress?.(frame.offset, frames);
  }

  await lanes.drain();
  lap('analyse');

  const faceTracks = coverAll(
    stages.faces ? stages.faces.link(faceObs) : [],
    faceObs,
    (d) => d.quality.overall,
  );
  const plateTracks = coverAll(
    stages.plates ? stages.plates.link(plateObs) : [],
    plateObs,
    (d) => d.confidence,
  );
  lap('link');

  const base = (o: Observed<{ box: Box }>, trackId: string, modelId: string) => ({
    id: randomUUID(),
    source_id: info.id,
    source_sha256: info.sha256,
    camera: info.camera,
    track_id: trackId,
    offset: o.offset,
    pts: o.pts,
    sample: o.sample,
    time: wallClock(info.startTime, o.offset),
    box_x: o.det.box[0],
    box_y: o.det.box[1],
    box_w: o.det.box[2],
    box_h: o.det.box[3],
    frame_w: info.width,
    frame_h: info.height,
    model_id: modelId,
  });

  const trackIds = (tracks: LinkedTrack[], n: number): string[] => {
    const ids = new Array<string>(n).fill('');
    for (const tr of tracks) {
      const id = randomUUID();
      for (const m of tr.members) ids[m] = id;
    }
    return ids;
  };

  const faceIds = trackIds(faceTracks, faceObs.length);
  const faceRows: FaceRow[] = faceObs.map((o, i) => ({
    // a copied descriptor is marked on model_id, so search can leave the row out of scoring
    ...base(o, faceIds[i]!, stages.faces!.modelId + (o.det.descriptorReused ? REUSED_MODEL_SUFFIX : '')),
    score: o.det.score,
    size: o.det.quality.size,
    sharpness: o.det.quality.sharpness,
    yaw: o.det.quality.yaw,
    pitch: o.det.quality.pitch,
    quality: o.det.quality.overall,
    verify: o.det.verify ?? -1,
    usable: o.det.usable === false ? 0 : 1,
    norm: o.det.embeddingNorm ?? -1,
    vector: Array.from(o.det.descriptor),
    thumb: o.det.thumbnail ?? null,
  }));
  const plateIds = trackIds(plateTracks, plateObs.length);
  const plateRows: PlateRow[] = plateObs.map((o, i) => ({
    ...base(o, plateIds[i]!, stages.plates!.modelId),
    raw: o.det.raw,
    text: o.det.text,
    confidence: o.det.confidence,
    char_conf: JSON.stringify(o.det.charConfidences),
    alternatives: JSON.stringify(o.det.alternatives),
    crop: o.det.crop ?? null,
    vehicle: o.det.vehicle ? JSON.stringify(o.det.vehicle) : '',
  }));

  const trackRows: TrackRow[] = [
    ...toTrackRows(
      'face',
      faceTracks,
      faceObs,
      faceIds,
      info,
      stages.faces?.modelId ?? '',
      (d) => d.thumbnail,
    ),
    ...toTrackRows(
      'plate',
      plateTracks,
      plateObs,
      plateIds,
      info,
      stages.plates?.modelId ?? '',
      (d) => d.crop,
      // a reading no track took is its own sighting, with its own text
      (d) => d.text,
    ),
  ];

  // some containers (Matroska from many NVRs) state no duration: the frames then tell it, to
  // within one sampling interval
  const measured =
    info.duration > 0 || frames === 0 ? undefined : lastOffset + 1 / (info.fps || settings.sampling.fps);
  const turn = opts.writeTurn ? await opts.writeTurn() : null;
  try {
    // sharing the store: begun, written and completed in one turn of its lock
    if (turn) await store.beginSource(sourceRow);
    for (let i = 0; i < faceRows.length; i += 2000) await store.addFaces(faceRows.slice(i, i + 2000));
    for (let i = 0; i < plateRows.length; i += 2000) await store.addPlates(plateRows.slice(i, i + 2000));
    await store.addTracks(trackRows);
    await store.completeSource(info.id, frames, measured);
  } catch (e) {
    if (turn) await store.purgeSource(info.id).catch(() => undefined);
    throw e;
  } finally {
    turn?.release();
  }
  lap('write');

  return {
    frames,
    analysed,
    faces: faceRows.length,
    plates: plateRows.length,
    faceTracks: faceTracks.length,
    plateTracks: plateTracks.length,
    stageSeconds,
  };
}

/** Analysed frames one stage may run ahead of the other (each holds a decoded frame). */
const LANE_LAG = 4;

/**
 * Two stages over one stream of frames, each in its own ordered lane. `run` starts both on a
 * frame and resolves once the frame LANE_LAG frames back is done by both (back-pressure); results
 * are handed over in frame order. The first error of either lane is thrown by `run` or `drain`.
 */
export class StageLanes<F, A, B> {
  private a: Promise<unknown> = Promise.resolve();
  private b: Promise<unknown> = Promise.resolve();
  private done: Promise<void> = Promise.resolve();
  private pending: Array<Promise<void>> = [];

  constructor(
    private readonly stageA: ((f: F) => Promise<A[]>) | undefined,
    private readonly stageB: ((f: F) => Promise<B[]>) | undefined,
    private readonly lag: number,
  ) {}

  async run(frame: F, onDone: (a: A[], b: B[]) => void): Promise<void> {
    const a = this.a.then(() => (this.stageA ? this.stageA(frame) : []));
    const b = this.b.then(() => (this.stageB ? this.stageB(frame) : []));
    this.a = a;
    this.b = b;
    const both = Promise.all([a, b]);
    both.catch(() => undefined); // not awaited when an earlier frame failed; that error is thrown
    // hand-overs in frame order, after the previous frame's
    this.done = this.done.then(() => both).then(([ra, rb]) => onDone(ra, rb));
    const settled = this.done;
    settled.catch(() => undefined); // surfaced by run() or drain()
    this.pending.push(settled);
    if (this.pending.length > this.lag) await this.pending.shift();
  }

  async drain(): Promise<void> {
    const all = this.pending;
    this.pending = [];
    for (const p of all) await p;
  }
}

/** Frames decoded ahead of the one being analysed, so ffmpeg decodes while the nets run. */
const PREFETCH_FRAMES = 3;
/** Motion boxes covering more than this share of the frame: search the whole frame instead. */
const REGIONS_MAX_COVERAGE = 0.6;

/**
 * Reads up to `depth` items ahead of the consumer. Memory stays bounded (depth frames); an error
 * of the source surfaces at the item where it happened, and stopping early closes the source.
 */
export async function* prefetch<T>(source: AsyncIterable<T>, depth: number): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const queue: Array<Promise<IteratorResult<T>>> = [];
  const pull = (): void => {
    const p = it.next();
    p.catch(() => undefined); // surfaced when its turn comes
    queue.push(p);
  };
  let done = false;
  try {
    for (let i = 0; i < depth; i++) pull();
    for (;;) {
      const r = await queue.shift()!;
      if (r.done) {
        done = true;
        return;
      }
      pull();
      yield r.value;
    }
  } finally {
    if (!done) await it.return?.();
  }
}

/** Observations no track took stand alone: every detection belongs to exactly one sighting. */
export function coverAll<T>(
  tracks: LinkedTrack[],
  obs: Array<Observed<T>>,
  scoreOf: (d: T) => number,
): LinkedTrack[] {
  const taken = new Set<number>();
  const out: LinkedTrack[] = [];
  for (const tr of tracks) {
    const members = tr.members.filter((m) => !taken.has(m) && m < obs.length);
    if (members.length === 0) continue;
    members.forEach((m) => taken.add(m));
    out.push({ ...tr, members, best: members.includes(tr.best) ? tr.best : members[0]! });
  }
  obs.forEach((o, i) => {
    if (!taken.has(i)) out.push({ members: [i], best: i, score: scoreOf(o.det) });
  });
  return out;
}

/** A plate track's vehicle, settled from the looks its readings got (null columns when none). */
function vehicleColumns(
  dets: ReadonlyArray<{ box: Box }>,
): Pick<TrackRow, 'vehicle_type' | 'vehicle_colour' | 'vehicle_confidence' | 'colour_confidence'> {
  const looks = dets.flatMap((d) => ('vehicle' in d && d.vehicle ? [(d as PlateReading).vehicle!] : []));
  const v = settleVehicle(looks);
  return {
    vehicle_type: v?.type ?? null,
    vehicle_colour: v?.colour ?? null,
    vehicle_confidence: v ? v.confidence : -1,
    colour_confidence: v?.colour ? v.colourConfidence : -1,
  };
}

/** A detection that search and clustering may score: a face not marked unusable (plates: none). */
function usableOf(d: { box: Box }): boolean {
  return 'descriptor' in d && (d as FaceDetection).usable !== false;
}

export function toTrackRows<T extends { box: Box }>(
  kind: 'face' | 'plate',
  tracks: LinkedTrack[],
  obs: Array<Observed<T>>,
  ids: string[],
  info: SourceInfo,
  modelId: string,
  thumbOf: (d: T) => Buffer | undefined,
  textOf?: (d: T) => string,
): TrackRow[] {
  return tracks.map((tr) => {
    const members = tr.members.map((m) => obs[m]!);
    const best = obs[tr.best]!;
    const start = Math.min(...members.map((m) => m.offset));
    const end = Math.max(...members.map((m) => m.offset));
    return {
      id: ids[tr.best]!,
      kind,
      source_id: info.id,
      source_sha256: info.sha256,
      camera: info.camera,
      start_offset: start,
      end_offset: end,
      start_time: wallClock(info.startTime, start),
      end_time: wallClock(info.startTime, end),
      best_offset: best.offset,
      best_pts: best.pts,
      best_x: best.det.box[0],
      best_y: best.det.box[1],
      best_w: best.det.box[2],
      best_h: best.det.box[3],
      frame_w: info.width,
      frame_h: info.height,
      detections: members.length,
      text: tr.text ?? (textOf ? textOf(best.det) : null),
      score: tr.score,
      model_id: modelId,
      thumb: thumbOf(best.det) ?? null,
      usable: kind === 'face' ? members.filter((m) => usableOf(m.det)).length : 0,
      ...vehicleColumns(members.map((m) => m.det)),
    };
  });
}
