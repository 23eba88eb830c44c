/**
 * Finds faces in video frames and query photos and describes each one: box and 68 landmarks in
 * source pixels, an L2-normalised embedding, quality measures and a small JPEG thumbnail.
 *
 * Small faces: SSD MobileNet sees the whole frame padded to a square and shrunk to 512 px, so a
 * 40 px face in 1080p becomes ~11 px and vanishes. Frames larger than one tile are therefore also
 * searched in overlapping native-resolution tiles; results merge by NMS in source pixels.
 */
import type { Tensor3D } from '@tensorflow/tfjs';
import sharp, { type Metadata } from 'sharp';
import type { Box, FaceDetection, Frame } from '../../core/types.js';
import { clipBox, nms, padBox, planTiles, roundBoxOut, scaleBox, translateBox } from '../../core/geometry.js';
import { l2normalize } from '../../core/vector.js';
import { InputError } from '../../errors.js';
import { greyPatch, laplacianVariance, overallQuality, poseFromLandmarks } from './quality.js';
import { createFaceApiRecognizer, type FaceRecognizer } from './recognizer.js';
import { getFaceRuntime, loadWeightMap, type FaceApiModule } from './runtime.js';

export interface FaceTilingOptions {
  /** 'auto': tile when the frame is larger than one tile; false: whole frame only. */
  mode: 'auto' | 'always' | 'off';
  /** Tile side in frame pixels (SSD resizes each tile to 512). */
  tileSize: number;
  /** Overlap between neighbouring tiles; faces up to this size lie whole in some tile. */
  overlap: number;
}

export interface FaceAnalyzerOptions {
  /** Detector confidence floor. */
  minScore: number;
  /** Smallest face kept, box height in source pixels. */
  minFaceSize: number;
  /** Faces blurrier than this (Laplacian variance on a 64x64 grey patch) are dropped as junk. */
  minSharpness: number;
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
}

export const DEFAULT_FACE_ANALYZER_OPTIONS: FaceAnalyzerOptions = {
  minScore: 0.5,
  minFaceSize: 24,
  minSharpness: 15,
  nmsIou: 0.35,
  nmsContain: 0.7,
  tiling: { mode: 'auto', tileSize: 640, overlap: 160 },
  thumbnailSize: 96,
  queryPadding: 0.25,
  maxQuerySide: 2048,
  maxFacesPerFrame: 32,
};

export interface FaceAnalyzerInit extends Partial<Omit<FaceAnalyzerOptions, 'tiling'>> {
  tiling?: Partial<FaceTilingOptions>;
  /** Embedding model (default: face-api's 128-d net). */
  recognizer?: FaceRecognizer;
}

export interface FaceAnalyzer {
  /** Detector + recogniser ids, stored with every vector. */
  readonly modelId: string;
  readonly options: FaceAnalyzerOptions;
  /** TensorFlow.js backend in use ('wasm', 'tensorflow'). */
  readonly backend: string;
  analyzeFrame(frame: Frame): Promise<FaceDetection[]>;
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

interface Candidate {
  box: Box; // image pixels
  score: number;
}

type SsdOptions = InstanceType<FaceApiModule['SsdMobilenetv1Options']>;
type FaceApiImage = Parameters<FaceApiModule['extractFaceTensors']>[0];

const EDGE = 2;

export async function createFaceAnalyzer(init: FaceAnalyzerInit = {}): Promise<FaceAnalyzer> {
  const { recognizer: givenRecognizer, tiling, ...rest } = init;
  const options: FaceAnalyzerOptions = {
    ...DEFAULT_FACE_ANALYZER_OPTIONS,
    ...rest,
    tiling: { ...DEFAULT_FACE_ANALYZER_OPTIONS.tiling, ...tiling },
  };
  if (options.tiling.tileSize <= options.tiling.overlap) {
    throw new InputError('face tiling: tileSize must be larger than overlap');
  }
  const rt = await getFaceRuntime();
  const { faceapi, tf } = rt;
  const detector = new faceapi.SsdMobilenetv1();
  detector.loadFromWeightMap(loadWeightMap(tf, 'face-api/ssd_mobilenetv1') as never);
  const landmarkNet = new faceapi.FaceLandmark68Net();
  landmarkNet.loadFromWeightMap(loadWeightMap(tf, 'face-api/face_landmark_68') as never);
  const recognizer = givenRecognizer ?? (await createFaceApiRecognizer(rt));
  // the detector's own floor is lower than ours: tiles re-score, NMS keeps the best
  const ssdOptions: SsdOptions = new faceapi.SsdMobilenetv1Options({
    minConfidence: Math.min(options.minScore, 0.3),
    maxResults: 100,
  });
  const timings: FaceTimings = { detect: 0, landmarks: 0, embed: 0, other: 0, total: 0, passes: 0, faces: 0 };

  /** `tilesOnlyIfNone`: query photos are tiled only when the whole-image pass finds no face. */
  async function locate(
    t: Tensor3D,
    img: RgbImage,
    tilesOnlyIfNone: boolean,
  ): Promise<{ found: Candidate[]; passes: number }> {
    const found: Candidate[] = [];
    const whole = await detector.locateFaces(t as unknown as FaceApiImage, ssdOptions);
    for (const d of whole) found.push({ box: [d.box.x, d.box.y, d.box.width, d.box.height], score: d.score });
    const { mode, tileSize, overlap } = options.tiling;
    const big = Math.max(img.width, img.height) > tileSize;
    if (mode === 'off' || (mode === 'auto' && !big)) return { found, passes: 1 };
    if (tilesOnlyIfNone && found.some((c) => c.score >= options.minScore)) return { found, passes: 1 };
    const tiles = planTiles(img.width, img.height, tileSize, overlap);
    for (const [tx, ty, tw, th] of tiles) {
      const tile = tf.slice(t, [ty, tx, 0], [th, tw, 3]) as Tensor3D;
      try {
        const dets = await detector.locateFaces(tile as unknown as FaceApiImage, ssdOptions);
        for (const d of dets) {
          const b: Box = [d.box.x, d.box.y, d.box.width, d.box.height];
          // a face cut by an inner tile edge lies whole in a neighbour (overlap > face): skip it
          const cut =
            (tx > 0 && b[0] <= EDGE) ||
            (ty > 0 && b[1] <= EDGE) ||
            (tx + tw < img.width && b[0] + b[2] >= tw - EDGE) ||
            (ty + th < img.height && b[1] + b[3] >= th - EDGE);
          if (!cut) found.push({ box: translateBox(b, tx, ty), score: d.score });
        }
      } finally {
        tile.dispose();
      }
    }
    return { found, passes: 1 + tiles.length };
  }

  async function analyzeRgb(img: RgbImage, map: ToSource, query: boolean): Promise<FaceDetection[]> {
    const t0 = performance.now();
    const toSrc = (b: Box): Box => translateBox(scaleBox(b, map.sx, map.sy), map.dx, map.dy);
    const t = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
    let crops: Tensor3D[] = [];
    let aligned: Tensor3D[] = [];
    try {
      const { found, passes } = await locate(t, img, query);
      const t1 = performance.now();
      timings.detect = t1 - t0;
      timings.passes = passes;
      // merge passes in source pixels, then apply the quality floor
      const merged = nms(
        found.map((c) => ({ ...c, src: toSrc(c.box) })).map((c) => ({ ...c, box: c.src, imgBox: c.box })),
        { iouThreshold: options.nmsIou, containThreshold: options.nmsContain },
      );
      const kept = merged
        .filter((c) => c.score >= options.minScore && c.box[3] >= options.minFaceSize)
        .map((c) => {
          const imgBox = roundBoxOut(clipBox(c.imgBox, img.width, img.height));
          const sharpness = laplacianVariance(greyPatch(img.data, img.width, img.height, imgBox), 64, 64);
          return { ...c, imgBox, sharpness };
        })
        .filter((c) => c.sharpness >= options.minSharpness && c.imgBox[2] >= 4 && c.imgBox[3] >= 4)
        .sort((a, b) => b.box[3] - a.box[3])
        .slice(0, options.maxFacesPerFrame);
      if (kept.length === 0) {
        timings.landmarks = timings.embed = timings.faces = 0;
        timings.total = performance.now() - t0;
        timings.other = timings.total - timings.detect;
        return [];
      }
      const rect = (b: Box) => new faceapi.Rect(b[0], b[1], b[2], b[3]);
      crops = (await faceapi.extractFaceTensors(
        t as unknown as FaceApiImage,
        kept.map((c) => rect(c.imgBox)),
      )) as unknown as Tensor3D[];
      const lmOut = await landmarkNet.detectLandmarks(crops as unknown as FaceApiImage);
      const lms = (Array.isArray(lmOut) ? lmOut : [lmOut]).map((l, i) => {
        const b = (kept[i] as (typeof kept)[number]).imgBox;
        return l.shiftBy(b[0], b[1]);
      });
      const t2 = performance.now();
      timings.landmarks = t2 - t1;
      const alignedRects = lms.map((l) => {
        const r = l.align(null, { useDlibAlignment: true });
        const c = roundBoxOut(clipBox([r.x, r.y, r.width, r.height], img.width, img.height));
        return rect([c[0], c[1], Math.max(1, c[2]), Math.max(1, c[3])]);
      });
      aligned = (await faceapi.extractFaceTensors(
        t as unknown as FaceApiImage,
        alignedRects,
      )) as unknown as Tensor3D[];
      const vectors = await recognizer.embed(aligned);
      const t3 = performance.now();
      timings.embed = t3 - t2;

      const out: FaceDetection[] = [];
      for (let i = 0; i < kept.length; i++) {
        const c = kept[i] as (typeof kept)[number];
        const lm = lms[i];
        const vec = vectors[i];
        if (!lm || !vec) continue;
        const landmarks = lm.positions.map((p): [number, number] => [
          p.x * map.sx + map.dx,
          p.y * map.sy + map.dy,
        ]);
        const { yaw, pitch } = poseFromLandmarks(landmarks);
        const size = c.box[3];
        const quality = {
          size,
          sharpness: c.sharpness,
          yaw,
          pitch,
          overall: overallQuality({ score: c.score, size, sharpness: c.sharpness, yaw, pitch }),
        };
        const det: FaceDetection = {
          box: c.box,
          score: c.score,
          landmarks,
          descriptor: l2normalize(vec),
          quality,
        };
        if (options.thumbnailSize > 0) det.thumbnail = await thumbnail(img, c.imgBox, options.thumbnailSize);
        out.push(det);
      }
      timings.faces = out.length;
      timings.total = performance.now() - t0;
      timings.other = timings.total - timings.detect - timings.landmarks - timings.embed;
      return out;
    } finally {
      t.dispose();
      for (const c of crops) c.dispose();
      for (const a of aligned) a.dispose();
    }
  }

  return {
    modelId: `face-api/ssd_mobilenetv1+${recognizer.modelId}`,
    options,
    backend: rt.backend,
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
      );
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
      // tight mugshot crops: a border lets the detector see the whole head
      const pad = Math.round(options.queryPadding * Math.max(w, h));
      const { data, info } = await sharp(buf)
        .rotate()
        .resize(w, h, { fit: 'fill' })
        .removeAlpha()
        .toColourspace('srgb')
        .extend({ top: pad, bottom: pad, left: pad, right: pad, background: { r: 127, g: 127, b: 127 } })
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3) throw new InputError(`image decoded to ${info.channels} channels, expected 3`);
      const img = {
        data: new Uint8Array(data.buffer, data.byteOffset, data.length),
        width: info.width,
        height: info.height,
      };
      const faces = await analyzeRgb(
        img,
        {
          sx: w0 / w,
          sy: h0 / h,
          dx: (-pad * w0) / w,
          dy: (-pad * h0) / h,
        },
        true,
      );
      return faces.map((f) => ({ ...f, box: clipBox(f.box, w0, h0) }));
    },
    dispose() {
      detector.dispose();
      landmarkNet.dispose();
      if (!givenRecognizer) recognizer.dispose();
    },
  };
}

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
