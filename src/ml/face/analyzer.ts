/**
 * Finds faces in video frames and query photos and describes each one: box and 68 landmarks in
 * source pixels, an L2-normalised embedding, quality measures and a small JPEG thumbnail.
 *
 * The face stage is a composition of small parts, each one model behind an interface:
 * detector (SSD MobileNet v1, searched over areas by ./area-search.ts) → landmarks (68 points) →
 * verifier (UltraFace RFB-320 re-scores each box; with the landmark layout it drops what is not a
 * face) → aligner (the recogniser's own: ArcFace five-point warp, or face-api's dlib crop) →
 * recogniser (MobileFaceNet 512-d by default). Faces too turned or soft to identify are kept
 * marked unusable: a head seen, never matched (docs/accuracy-faces.md).
 */
import sharp, { type Metadata } from 'sharp';
import type { Box, FaceDetection, Frame } from '../../core/types.js';
import { clipBox, iou, nms, padBox, roundBoxOut, scaleBox, translateBox } from '../../core/geometry.js';
import { l2normalize, norm } from '../../core/vector.js';
import { InputError } from '../../errors.js';
import { int8Exact } from '../onnx/cpu.js';
import { cropPixels, createAreaSearch, type FaceTilingOptions } from './area-search.js';
import type { FaceVerifier, RgbPixels } from './nets.js';
import { createOnnxLandmarks } from './onnx/landmarks.js';
import { createMobileFaceNet } from './onnx/mobilefacenet.js';
import { createOnnxRecognizer } from './onnx/recognition.js';
import { createOnnxSsd } from './onnx/ssd.js';
import { createUltraFaceVerifier } from './onnx/ultraface.js';
import { faceLayout, greyPatch, laplacianVariance, overallQuality, poseFromLandmarks } from './quality.js';
import { createFaceApiRecognizer, type FaceRecognizer } from './recognizer.js';
import { matchReuse, newReuseState, type ReuseEntry, type ReuseState } from './reuse.js';
import { getFaceRuntime, type FaceApiModule, type FaceDevice } from './runtime.js';
import { tfjsLandmarks, tfjsSsd } from './tfjs-nets.js';

export type { FaceTilingOptions } from './area-search.js';

/** The recognisers Sightline ships: MobileFaceNet 512-d (default) and face-api's 128-d (reference). */
export type FaceRecognizerId = 'mobilefacenet' | 'face-api';

export interface FaceAnalyzerOptions {
  /** Detector confidence floor. */
  minScore: number;
  /** Smallest face kept, box height in source pixels. */
  minFaceSize: number;
  /** Faces blurrier than this (Laplacian variance on a 64x64 grey patch) are dropped as junk. */
  minSharpness: number;
  /**
   * Boxes narrower than this (width / height) are dropped as junk: the SSD boxes whole faces at
   * 0.5-1.1 (every face of the real clips and fixtures); a 54x146 box on a door edge (int8, score
   * 0.52) was the only one below 0.45.
   */
  minAspect: number;
  /** IoU above which two detections are one face when merging passes. */
  nmsIou: number;
  /** Share of the smaller box inside a bigger one above which they are one face. */
  nmsContain: number;
  tiling: FaceTilingOptions;
  /** Thumbnail height in pixels (0: none). */
  thumbnailSize: number;
  /** Query photos: border added on every side, as a share of the longer side (tight crops). */
  queryPadding: number;
  /** Query photos larger than this (longer side) are scaled down first. */
  maxQuerySide: number;
  /** Most faces described per frame (largest first); the rest are dropped. */
  maxFacesPerFrame: number;
  /** Motion regions: border added on every side, image pixels (a moving head's box is loose). */
  regionPadding: number;
  /** Motion regions: smallest side searched, image pixels (SSD needs context around a face). */
  regionMinSide: number;
  /**
   * The verifier's score a box needs to be a face (0: keep every box). Below it the box is not
   * stored at all: backs of heads, logos, shoes (docs/accuracy-faces.md has the measurement).
   */
  minVerify: number;
  /**
   * Landmark layout a face must have (`faceLayout`, share of the box): the nose tip at least this
   * far down the box. In every face box the nose tip sits below the middle (0.55-0.75 measured);
   * on logos, hair and backs of heads the landmark net finds no face and puts it higher.
   */
  minNoseDrop: number;
  /** Eye centres at least this far apart (share of the box width): less is the side or back of a head. */
  minEyeSpan: number;
  /**
   * Eye span below which a face is too turned to identify (~55 degrees of yaw): kept as a head
   * seen, never matched. Frontal faces measure 0.4-0.5.
   */
  minMatchEyeSpan: number;
}

export const DEFAULT_FACE_ANALYZER_OPTIONS: FaceAnalyzerOptions = {
  minScore: 0.3,
  minFaceSize: 24,
  minSharpness: 15,
  minAspect: 0.4,
  nmsIou: 0.35,
  nmsContain: 0.7,
  tiling: { mode: 'auto', tileSize: 640, overlap: 160 },
  thumbnailSize: 96,
  queryPadding: 0.25,
  maxQuerySide: 2048,
  maxFacesPerFrame: 32,
  regionPadding: 32,
  regionMinSide: 256,
  minVerify: 0.9,
  minNoseDrop: 0.5,
  minEyeSpan: 0.15,
  minMatchEyeSpan: 0.25,
};

export interface FaceAnalyzerInit extends Partial<Omit<FaceAnalyzerOptions, 'tiling'>> {
  tiling?: Partial<FaceTilingOptions>;
  /** Embedding model (default: `recognizerId`'s). */
  recognizer?: FaceRecognizer;
  /** Which recogniser to load when none is given (default 'mobilefacenet'). */
  recognizerId?: FaceRecognizerId;
  /** Second opinion on every box (default: UltraFace RFB-320); null: none, every box is a face. */
  verifier?: FaceVerifier | null;
  /** Where the nets run (default 'auto'; the index command passes its --device). */
  device?: FaceDevice;
  /**
   * Which runtime runs the face detector: 'onnx' (default: face-api's weights as an ONNX graph on
   * onnxruntime, ~4x faster on CPU, proved equivalent in test/integration/onnx-face-ssd.test.ts)
   * or 'tfjs' (face-api itself; used on a GPU through tfjs-node-gpu).
   */
  runtime?: 'onnx' | 'tfjs';
  /**
   * Video frames: search each area (motion region, whole frame) in one pass at the tiles' scale
   * plus one at 512 px, instead of 512 px plus overlapping tiles (default true; needs the ONNX
   * detector, whose input can be any size). Query photos are always searched face-api's way.
   */
  scaledAreas?: boolean;
  /**
   * Those passes on the int8 graph (~40 % faster a pass; boxes IoU >= 0.9 and scores within 0.1 of
   * float, measured on real frames: test/integration/onnx-face-ssd.test.ts). Default: where the CPU
   * computes int8 exactly (`int8Exact`: VNNI x86, 64-bit ARM), else float.
   */
  int8?: boolean;
}

export interface FaceAnalyzer {
  /** Detector + recogniser ids, stored with every vector. */
  readonly modelId: string;
  readonly options: FaceAnalyzerOptions;
  /** Where the face nets run: 'onnxruntime-cpu' (default), or the TensorFlow.js backend ('wasm', 'tensorflow'). */
  readonly backend: string;
  analyzeFrame(frame: Frame): Promise<FaceDetection[]>;
  /**
   * Starts descriptor reuse for the frames of one source (index runs): until the next call, a face
   * that continues one of the previous analysed frame (same place and size, descriptor younger
   * than 2 s, quality not clearly better) gets that descriptor copied with `descriptorReused`.
   * Without a call (the default) every face is embedded.
   */
  resetTrackingState(sourceId: string): void;
  /** A query photo (any format sharp reads): EXIF rotation applied, padded, then searched. */
  analyzeImage(buf: Buffer): Promise<FaceDetection[]>;
  /** Timings of the last call, ms. */
  readonly lastTimings: FaceTimings;
  dispose(): void;
}

export interface FaceTimings {
  detect: number;
  landmarks: number;
  embed: number;
  other: number;
  total: number;
  passes: number;
  faces: number;
  /** Faces of the last call whose descriptor was reused (not embedded). */
  reused: number;
}

interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** How image pixels map to reported (source) pixels: src = img * scale + offset. */
interface ToSource {
  sx: number;
  sy: number;
  dx: number;
  dy: number;
}

type FaceLandmarks = InstanceType<FaceApiModule['FaceLandmarks']>;

export async function createFaceAnalyzer(init: FaceAnalyzerInit = {}): Promise<FaceAnalyzer> {
  const {
    recognizer: givenRecognizer,
    recognizerId = 'mobilefacenet',
    verifier: givenVerifier,
    tiling,
    device,
    scaledAreas = true,
    ...rest
  } = init;
  const int8 = scaledAreas && (init.int8 ?? int8Exact());
  const options: FaceAnalyzerOptions = {
    ...DEFAULT_FACE_ANALYZER_OPTIONS,
    ...rest,
    tiling: { ...DEFAULT_FACE_ANALYZER_OPTIONS.tiling, ...tiling },
  };
  if (options.tiling.tileSize <= options.tiling.overlap) {
    throw new InputError('face tiling: tileSize must be larger than overlap');
  }
  const rt = await getFaceRuntime(device);
  const { faceapi } = rt;
  const onnx = (init.runtime ?? (device === 'gpu' ? 'tfjs' : 'onnx')) === 'onnx';
  const detector = onnx ? await createOnnxSsd({ threads: 2, int8 }) : tfjsSsd(rt);
  const landmarkNet = onnx ? await createOnnxLandmarks({ threads: 1 }) : tfjsLandmarks(rt);
  const recognizer: FaceRecognizer =
    givenRecognizer ??
    (recognizerId === 'mobilefacenet'
      ? await createMobileFaceNet({ threads: 1 })
      : onnx
        ? await createOnnxRecognizer({ threads: 1 })
        : await createFaceApiRecognizer(rt));
  const verifier =
    givenVerifier === undefined ? await createUltraFaceVerifier({ threads: 1 }) : givenVerifier;
  const areas = createAreaSearch(detector, options);
  const timings: FaceTimings = {
    detect: 0,
    landmarks: 0,
    embed: 0,
    other: 0,
    total: 0,
    passes: 0,
    faces: 0,
    reused: 0,
  };
  let tracking: ReuseState | undefined;
  // tiles of motion regions in index runs: when they were last searched, and whether they found
  // a face the pass over the whole region missed (small faces are about: tile every frame)
  let tileState = { lastOffset: -Infinity, foundExtra: false };

  async function analyzeRgb(
    img: RgbImage,
    map: ToSource,
    query: boolean,
    frameRegions?: Box[],
    reuse?: { state: ReuseState; offset: number },
  ): Promise<FaceDetection[]> {
    const t0 = performance.now();
    const toSrc = (b: Box): Box => translateBox(scaleBox(b, map.sx, map.sy), map.dx, map.dy);
    // index frames on the ONNX detector: every area in one pass at its scale (no tiles)
    const scaled = !query && scaledAreas && detector.locateAt !== undefined;
    const regions = frameRegions ? areas.searchRegions(frameRegions, img, map.sx, map.sy, scaled) : undefined;
    // index runs: large motion regions are tiled when small faces were found there last time,
    // else at least every TILE_SECONDS (a person is in view for seconds; small faces wait <= 1 s)
    const offset = reuse?.offset;
    const regionTiles =
      offset === undefined ||
      tileState.foundExtra ||
      offset - tileState.lastOffset >= TILE_SECONDS ||
      offset < tileState.lastOffset;
    const { found, passes } = await areas.locate(img, query, regions, regionTiles, scaled);
    const t1 = performance.now();
    timings.detect = t1 - t0;
    timings.passes = passes;
    // merge passes in source pixels, then apply the quality floor
    const merged = nms(
      found.map((c) => ({ ...c, src: toSrc(c.box) })).map((c) => ({ ...c, box: c.src, imgBox: c.box })),
      { iouThreshold: options.nmsIou, containThreshold: options.nmsContain },
    );
    const kept = merged
      .filter(
        (c) =>
          c.score >= options.minScore &&
          c.box[3] >= options.minFaceSize &&
          c.box[2] >= options.minAspect * c.box[3],
      )
      .map((c) => {
        const imgBox = roundBoxOut(clipBox(c.imgBox, img.width, img.height));
        const sharpness = laplacianVariance(greyPatch(img.data, img.width, img.height, imgBox), 64, 64);
        return { ...c, imgBox, sharpness };
      })
      .filter((c) => c.sharpness >= options.minSharpness && c.imgBox[2] >= 4 && c.imgBox[3] >= 4)
      .sort((a, b) => b.box[3] - a.box[3])
      .slice(0, options.maxFacesPerFrame);
    if (offset !== undefined && regionTiles && passes > 0) {
      // a kept face only a tile found (no pass over a whole region saw it): keep tiling here
      const seen = found.filter((c) => !c.tile && c.score >= options.minScore);
      tileState = {
        lastOffset: offset,
        foundExtra: kept.some((k) => k.tile && !seen.some((c) => iou(c.box, k.imgBox) >= 0.3)),
      };
    }
    if (kept.length === 0) {
      if (reuse) Object.assign(reuse.state, { offset: reuse.offset, faces: [] });
      timings.landmarks = timings.embed = timings.faces = timings.reused = 0;
      timings.total = performance.now() - t0;
      timings.other = timings.total - timings.detect;
      return [];
    }
    // faces continuing one of the previous analysed frame keep its descriptor
    const match = reuse
      ? matchReuse(
          reuse.state,
          reuse.offset,
          kept.map((c) => c.box),
          (i, p) => {
            const c = kept[i] as (typeof kept)[number];
            return overallQuality({
              score: c.score,
              size: c.box[3],
              sharpness: c.sharpness,
              yaw: p.yaw,
              pitch: p.pitch,
            });
          },
        )
      : kept.map(() => undefined);
    const gap = reuse ? reuse.offset - reuse.state.offset : 0;
    const velocity = (b: Box, p: ReuseEntry | undefined): { vx: number; vy: number } =>
      p && gap > 0
        ? {
            vx: (b[0] + b[2] / 2 - p.box[0] - p.box[2] / 2) / gap,
            vy: (b[1] + b[3] / 2 - p.box[1] - p.box[3] / 2) / gap,
          }
        : { vx: 0, vy: 0 };
    const todo = kept.flatMap((_, i) => (match[i]?.reuse ? [] : [i]));
    const lms: Array<FaceLandmarks | undefined> = new Array(kept.length).fill(undefined);
    const vectors: Array<Float32Array | undefined> = new Array(kept.length).fill(undefined);
    if (todo.length > 0) {
      const crops = todo.map((i) => cropBox(img, (kept[i] as (typeof kept)[number]).imgBox));
      const points = await landmarkNet.detect(crops);
      points.forEach((pts, j) => {
        const i = todo[j] as number;
        const b = (kept[i] as (typeof kept)[number]).imgBox;
        const c = crops[j]!;
        // face-api's landmark object (relative positions and crop size), for its dlib alignment
        const rel = pts.map(([x, y]) => new faceapi.Point(x / c.width, y / c.height));
        lms[i] = new faceapi.FaceLandmarks68(rel, { width: c.width, height: c.height }).shiftBy(b[0], b[1]);
      });
    }
    // each new face's 68 points in image pixels, read by the layout check and the aligner
    const points = lms.map((lm) => lm?.positions.map((p): [number, number] => [p.x, p.y]));
    // landmark layout of each new face, in the box it was found in: no face layout, no face
    const layouts = kept.map((c, i) => {
      const pts = points[i];
      return pts ? faceLayout(pts, c.imgBox) : undefined;
    });
    const laidOut = (i: number): boolean => {
      const l = layouts[i];
      return l !== undefined && l.noseDrop >= options.minNoseDrop && l.eyeSpan >= options.minEyeSpan;
    };
    // then a second detector's opinion of the boxes left; faces continuing one keep its score
    const verified: Array<number | undefined> = kept.map((_, i) => match[i]?.prev.verify);
    const toVerify = todo.filter(laidOut);
    if (verifier && toVerify.length > 0) {
      const scores = await verifier.verify(
        img,
        toVerify.map((i) => (kept[i] as (typeof kept)[number]).imgBox),
      );
      toVerify.forEach((i, j) => (verified[i] = scores[j]));
    }
    const isFace = (i: number): boolean => {
      if (match[i]?.reuse) return true; // the face it continues passed
      return laidOut(i) && (verifier === null || (verified[i] ?? 0) >= options.minVerify);
    };
    const t2 = performance.now();
    timings.landmarks = t2 - t1;
    const toEmbed = todo.filter(isFace);
    if (toEmbed.length > 0) {
      const aligned = toEmbed.map((i) => {
        if (recognizer.aligner)
          return recognizer.aligner.align(img, (kept[i] as (typeof kept)[number]).imgBox, points[i]!);
        const r = (lms[i] as FaceLandmarks).align(null, { useDlibAlignment: true });
        const c = roundBoxOut(clipBox([r.x, r.y, r.width, r.height], img.width, img.height));
        return cropBox(img, [c[0], c[1], Math.max(1, c[2]), Math.max(1, c[3])]);
      });
      const embedded = await recognizer.embed(aligned);
      toEmbed.forEach((i, j) => (vectors[i] = embedded[j]));
    }
    const t3 = performance.now();
    timings.embed = t3 - t2;

    const out: FaceDetection[] = [];
    const carried: ReuseEntry[] = [];
    let reusedCount = 0;
    for (let i = 0; i < kept.length; i++) {
      const c = kept[i] as (typeof kept)[number];
      const m = match[i];
      const size = c.box[3];
      if (!isFace(i)) continue;
      const verify = verified[i];
      let det: FaceDetection;
      if (m?.reuse) {
        const { yaw, pitch } = m.prev;
        det = {
          box: c.box,
          score: c.score,
          landmarks: [],
          descriptor: Float32Array.from(m.prev.descriptor),
          descriptorReused: true,
          verify,
          usable: m.prev.usable !== false,
          quality: {
            size,
            sharpness: c.sharpness,
            yaw,
            pitch,
            overall: overallQuality({ score: c.score, size, sharpness: c.sharpness, yaw, pitch }),
          },
        };
        carried.push({ ...m.prev, box: c.box, ...velocity(c.box, m.prev) });
        reusedCount++;
      } else {
        const lm = lms[i];
        const vec = vectors[i];
        if (!lm || !vec) continue;
        const landmarks = points[i]!.map(([x, y]): [number, number] => [
          x * map.sx + map.dx,
          y * map.sy + map.dy,
        ]);
        const { yaw, pitch } = poseFromLandmarks(landmarks);
        const embeddingNorm = norm(vec);
        // identifiable: not turned too far, and the recogniser itself sees a clear face
        const usable =
          (layouts[i]?.eyeSpan ?? 0) >= options.minMatchEyeSpan && embeddingNorm >= (recognizer.minNorm ?? 0);
        const overall = overallQuality({ score: c.score, size, sharpness: c.sharpness, yaw, pitch });
        det = {
          box: c.box,
          score: c.score,
          landmarks,
          descriptor: l2normalize(vec),
          quality: { size, sharpness: c.sharpness, yaw, pitch, overall },
          embeddingNorm,
          verify,
          usable,
        };
        if (reuse) {
          carried.push({
            box: c.box,
            descriptor: det.descriptor,
            yaw,
            pitch,
            bestOverall: Math.max(overall, m?.prev.bestOverall ?? 0),
            verify,
            usable,
            embeddedAt: reuse.offset,
            embedded: (m?.prev.embedded ?? 0) + 1,
            ...velocity(c.box, m?.prev),
          });
        }
      }
      if (options.thumbnailSize > 0) det.thumbnail = await thumbnail(img, c.imgBox, options.thumbnailSize);
      out.push(det);
    }
    if (reuse) Object.assign(reuse.state, { offset: reuse.offset, faces: carried });
    timings.reused = reusedCount;
    timings.faces = out.length;
    timings.total = performance.now() - t0;
    timings.other = timings.total - timings.detect - timings.landmarks - timings.embed;
    return out;
  }

  return {
    // the detector graph that found the faces of video frames (query photos: always float)
    modelId: [
      `face-api/ssd_mobilenetv1${onnx && int8 ? '@int8' : ''}`,
      ...(verifier ? [verifier.id] : []),
      recognizer.modelId,
    ].join('+'),
    options,
    backend: onnx ? 'onnxruntime-cpu' : rt.backend,
    lastTimings: timings,
    async analyzeFrame(frame: Frame): Promise<FaceDetection[]> {
      if (frame.data.length !== frame.width * frame.height * 3) {
        throw new InputError(
          `frame ${frame.index}: ${frame.data.length} bytes is not ${frame.width}x${frame.height} RGB24`,
        );
      }
      const data = new Uint8Array(frame.data.buffer, frame.data.byteOffset, frame.data.length);
      return analyzeRgb(
        { data, width: frame.width, height: frame.height },
        { sx: frame.sourceWidth / frame.width, sy: frame.sourceHeight / frame.height, dx: 0, dy: 0 },
        false,
        frame.regions,
        tracking ? { state: tracking, offset: frame.offset } : undefined,
      );
    },
    resetTrackingState(sourceId: string): void {
      tracking = newReuseState(sourceId);
      tileState = { lastOffset: -Infinity, foundExtra: false };
    },
    async analyzeImage(buf: Buffer): Promise<FaceDetection[]> {
      let meta: Metadata;
      try {
        meta = await sharp(buf).metadata();
      } catch (err) {
        throw new InputError(`not an image sharp can read: ${(err as Error).message}`);
      }
      // EXIF orientation 5..8 swaps width and height
      const swap = (meta.orientation ?? 1) >= 5;
      const w0 = (swap ? meta.height : meta.width) ?? 0;
      const h0 = (swap ? meta.width : meta.height) ?? 0;
      if (w0 === 0 || h0 === 0) throw new InputError('image has no size');
      const scale = Math.min(1, options.maxQuerySide / Math.max(w0, h0));
      const w = Math.max(1, Math.round(w0 * scale));
      const h = Math.max(1, Math.round(h0 * scale));
      const resized = await sharp(buf)
        .rotate()
        .resize(w, h, { fit: 'fill' })
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const channels = resized.info.channels;
      if (channels !== 3) throw new InputError(`image decoded to ${channels} channels, expected 3`);
      // tight crops (a face thumbnail, a cropped still): a border lets the detector see the whole
      // head; a face filling the crop needs a wide one, tried only when the usual border finds none
      let faces: FaceDetection[] = [];
      for (const share of [...new Set([options.queryPadding, QUERY_RETRY_PADDING])]) {
        // the wide retry is scaled to one tile: a face filling the crop stays large, no tiling
        const first = share === options.queryPadding;
        const fit = first ? 1 : Math.min(1, options.tiling.tileSize / ((1 + 2 * share) * Math.max(w, h)));
        const wr = Math.max(1, Math.round(w * fit));
        const hr = Math.max(1, Math.round(h * fit));
        const pad = Math.round(share * Math.max(wr, hr));
        const { data, info } = await sharp(resized.data, { raw: { width: w, height: h, channels } })
          .resize(wr, hr, { fit: 'fill' })
          .extend({ top: pad, bottom: pad, left: pad, right: pad, background: { r: 127, g: 127, b: 127 } })
          .raw()
          .toBuffer({ resolveWithObject: true });
        const img = {
          data: new Uint8Array(data.buffer, data.byteOffset, data.length),
          width: info.width,
          height: info.height,
        };
        const map = { sx: w0 / wr, sy: h0 / hr, dx: (-pad * w0) / wr, dy: (-pad * h0) / hr };
        faces = await analyzeRgb(img, map, true);
        if (faces.length > 0) break;
      }
      return faces.map((f) => ({ ...f, box: clipBox(f.box, w0, h0) }));
    },
    dispose() {
      void detector.dispose();
      void landmarkNet.dispose();
      if (!givenRecognizer) void recognizer.dispose();
      if (givenVerifier === undefined) void verifier?.dispose();
    },
  };
}

/** Query photos where the usual border finds no face: border as a share of the longer side. */
const QUERY_RETRY_PADDING = 1;

/** Index runs: large motion regions are tiled at least this often (seconds), see analyzeRgb. */
const TILE_SECONDS = 1;
async function thumbnail(img: RgbImage, box: Box, height: number): Promise<Buffer> {
  const b = roundBoxOut(clipBox(padBox(box, 0.15), img.width, img.height));
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: 3 },
  })
    .extract({ left: b[0], top: b[1], width: Math.max(1, b[2]), height: Math.max(1, b[3]) })
    .resize({ height, withoutEnlargement: false })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** A box's pixels (integer box, clipped to the image, at least 1 px), as face-api's extractFaceTensors cuts it. */
function cropBox(img: RgbPixels, b: Box): RgbPixels {
  const x = Math.min(Math.max(0, b[0]), img.width - 1);
  const y = Math.min(Math.max(0, b[1]), img.height - 1);
  const w = Math.max(1, Math.min(b[0] + b[2], img.width) - x);
  const h = Math.max(1, Math.min(b[1] + b[3], img.height) - y);
  return cropPixels(img, x, y, w, h);
}
