/**
 * Where the face detector looks: the search of one image (a whole frame, its motion regions, or a
 * query photo) by the SSD at the scales small faces need, its passes merged back into image pixels.
 *
 * Small faces: SSD MobileNet sees the whole frame padded to a square and shrunk to 512 px, so a
 * 40 px face in 1080p becomes ~11 px and vanishes. Areas larger than one tile are therefore also
 * searched at the tiles' scale: video frames in one pass over the whole area (the ONNX detector
 * takes any input size), query photos in overlapping tiles as face-api would be run. Small motion
 * regions share passes, packed side by side onto one canvas.
 */
import type { Box } from '../../core/types.js';
import { planPieces, planTiles, translateBox, clipBox } from '../../core/geometry.js';
import { growBox, mergeBoxes } from '../../core/motion.js';
import type { FaceDetectorNet, RgbPixels } from './nets.js';
import { scaledInput } from './onnx/ssd.js';

export interface FaceTilingOptions {
  /** 'auto': tile when the frame is larger than one tile; false: whole frame only. */
  mode: 'auto' | 'always' | 'off';
  /** Tile side in frame pixels (SSD resizes each tile to 512). */
  tileSize: number;
  /** Overlap between neighbouring tiles; faces up to this size lie whole in some tile. */
  overlap: number;
}

export interface AreaSearchOptions {
  /** Detector score floor of a face (query photos are tiled only when no box reaches it). */
  minScore: number;
  tiling: FaceTilingOptions;
  /** Motion regions: border added on every side, image pixels (a moving head's box is loose). */
  regionPadding: number;
  /** Motion regions: smallest side searched, image pixels (SSD needs context around a face). */
  regionMinSide: number;
}

export interface Candidate {
  box: Box; // image pixels
  score: number;
  /** Found by a native-resolution tile of a motion region (not by the pass over the region). */
  tile?: boolean;
}

export interface AreaSearch {
  /**
   * Whole image, or only `regions` (image pixels) when given: motion regions at native resolution.
   * `scaled` (index frames on a detector with `locateAt`): each area in one pass at its scale.
   */
  locate(
    img: RgbPixels,
    tilesOnlyIfNone: boolean,
    regions?: Box[],
    regionTiles?: boolean,
    scaled?: boolean,
  ): Promise<{ found: Candidate[]; passes: number }>;
  /** Motion boxes (source pixels) as padded, merged search areas in image pixels; undefined: whole image. */
  searchRegions(boxes: Box[], img: RgbPixels, sx: number, sy: number, scaled: boolean): Box[] | undefined;
}

const EDGE = 2;

export function createAreaSearch(detector: FaceDetectorNet, options: AreaSearchOptions): AreaSearch {
  // the detector's own floor is lower than ours: tiles re-score, NMS keeps the best
  const ssdOptions = { minConfidence: Math.min(options.minScore, 0.3), maxResults: 100 };

  /**
   * One area of the image (the whole image, or a motion region): a pass over the whole area
   * (big faces), plus native-resolution tiles when the area is larger than one tile.
   * `tilesOnlyIfNone`: query photos are tiled only when the whole-image pass finds no face.
   * Passes that do not depend on each other are queued together (each uses the detector's
   * intra-op threads); their results are kept in pass order, so the outcome is deterministic.
   */
  async function searchArea(
    img: RgbPixels,
    area: Box,
    whole: boolean,
    tilesOnlyIfNone: boolean,
    tiles = true,
    scaled = false,
  ): Promise<{ found: Candidate[]; passes: number }> {
    const [ax, ay, aw, ah] = area;
    const { mode, tileSize, overlap } = options.tiling;
    const big = Math.max(aw, ah) > tileSize;
    if (scaled && detector.locateAt) {
      // the tiles become one pass over the whole area at the tiles' scale (no cut faces, no
      // padding); the pass over the area at 512 px stays: SSD scores faces differently at
      // different scales (a 106 px face: 0.98 at 0.47x, 0.42 at 0.8x)
      const locateAt = detector.locateAt;
      // areas are read in place (no copy of their pixels)
      const coarse = locateAt(img, SSD_SIDE / Math.max(aw, ah), ssdOptions, area).then((ds) =>
        ds.map((d) => ({ box: translateBox(d.box, ax, ay), score: d.score })),
      );
      if (mode === 'off' || !big || (mode === 'auto' && !tiles)) return { found: await coarse, passes: 1 };
      // past MAX_PASS_SIDE input pixels the fine pass is cut into overlapping pieces: the net's
      // working memory grows with its input (a whole 1080p frame at 0.8x in one pass: +80 MB RSS)
      const fine = SSD_SIDE / tileSize;
      const cuts = (len: number): number => Math.ceil((len * fine) / MAX_PASS_SIDE);
      const pieces = planPieces(aw, ah, cuts(aw), cuts(ah), overlap).map(async (p) => {
        const [px, py, pw, ph] = p;
        const dets = await locateAt(img, fine, ssdOptions, [ax + px, ay + py, pw, ph]);
        // a face cut by an inner piece edge lies whole in the neighbour (overlap > face)
        return dets
          .filter((d) => !cutByInnerEdge(d.box, p, aw, ah))
          .map((d) => ({ box: translateBox(d.box, ax + px, ay + py), score: d.score, tile: true }));
      });
      const parts = await Promise.all([coarse, ...pieces]);
      return { found: parts.flat(), passes: parts.length };
    }
    const run = async (
      x: number,
      y: number,
      w: number,
      h: number,
      cutAt: (b: Box) => boolean,
      all = false,
    ): Promise<Candidate[]> => {
      const view = all ? img : cropPixels(img, x, y, w, h);
      return (await detector.locate(view, ssdOptions))
        .filter((d) => !cutAt(d.box))
        .map((d) => ({ box: translateBox(d.box, x, y), score: d.score }));
    };
    const first = run(ax, ay, aw, ah, () => false, whole);
    if (mode === 'off' || (mode === 'auto' && !big) || (mode === 'auto' && !tiles))
      return { found: await first, passes: 1 };
    if (tilesOnlyIfNone) {
      const found = await first;
      if (found.some((c) => c.score >= options.minScore)) return { found, passes: 1 };
    }
    const plan = planTiles(aw, ah, tileSize, overlap);
    const parts = await Promise.all([
      first,
      ...plan.map(([tx, ty, tw, th]) =>
        // a face cut by an inner tile edge lies whole in a neighbour (overlap > face): skip it
        run(ax + tx, ay + ty, tw, th, (b) => cutByInnerEdge(b, [tx, ty, tw, th], aw, ah)).then((cs) =>
          cs.map((c) => ({ ...c, tile: true })),
        ),
      ),
    ]);
    return { found: parts.flat(), passes: 1 + plan.length };
  }

  /** Cost of searching an area with its tiles, in 512 x 512 passes. */
  function areaCost(w: number, h: number, scaled: boolean): number {
    const { tileSize, overlap } = options.tiling;
    const big = Math.max(w, h) > tileSize;
    if (!scaled) return big ? 1 + planTiles(w, h, tileSize, overlap).length : 1;
    const pixels = (s: number): number => {
      const i = scaledInput(w, h, s);
      return (i.w * i.h) / (SSD_SIDE * SSD_SIDE);
    };
    return pixels(SSD_SIDE / Math.max(w, h)) + (big ? pixels(SSD_SIDE / tileSize) : 0);
  }

  async function locate(
    img: RgbPixels,
    tilesOnlyIfNone: boolean,
    regions?: Box[],
    regionTiles = true,
    scaled = false,
  ): Promise<{ found: Candidate[]; passes: number }> {
    if (!regions)
      return searchArea(img, [0, 0, img.width, img.height], true, tilesOnlyIfNone, regionTiles, scaled);
    const { tileSize } = options.tiling;
    const jobs: Array<Promise<{ found: Candidate[]; passes: number }>> = regions
      .filter((b) => Math.max(b[2], b[3]) > tileSize)
      .map((r) => searchArea(img, r, false, false, regionTiles, scaled));
    // small regions share passes: packed side by side into one tile-sized canvas
    for (const bin of packAreas(
      regions.filter((b) => Math.max(b[2], b[3]) <= tileSize),
      tileSize,
      MOSAIC_GAP,
    )) {
      jobs.push(
        bin.length === 1
          ? searchArea(img, bin[0]!.area, false, false, true, scaled)
          : searchMosaic(img, bin, scaled).then((found) => ({ found, passes: 1 })),
      );
    }
    const done = await Promise.all(jobs);
    return { found: done.flatMap((d) => d.found), passes: done.reduce((n, d) => n + d.passes, 0) };
  }

  /** One SSD pass over several areas pasted onto a grey canvas; detections mapped back. */
  async function searchMosaic(img: RgbPixels, bin: Placed[], scaled: boolean): Promise<Candidate[]> {
    const found: Candidate[] = [];
    const W = Math.max(...bin.map((p) => p.x + p.area[2]));
    const H = Math.max(...bin.map((p) => p.y + p.area[3]));
    const canvas: RgbPixels = { data: new Uint8Array(W * H * 3).fill(128), width: W, height: H };
    for (const p of bin) {
      const [x, y, w, h] = p.area;
      for (let row = 0; row < h; row++) {
        const from = ((y + row) * img.width + x) * 3;
        canvas.data.set(img.data.subarray(from, from + w * 3), ((p.y + row) * W + p.x) * 3);
      }
    }
    const dets =
      scaled && detector.locateAt
        ? await detector.locateAt(canvas, SSD_SIDE / Math.max(W, H), ssdOptions)
        : await detector.locate(canvas, ssdOptions);
    for (const d of dets) {
      const [bx, by, bw, bh] = d.box;
      const cx = bx + bw / 2;
      const cy = by + bh / 2;
      const p = bin.find((q) => cx >= q.x && cx < q.x + q.area[2] && cy >= q.y && cy < q.y + q.area[3]);
      if (!p) continue;
      const b = clipBox([bx - p.x, by - p.y, bw, bh], p.area[2], p.area[3]);
      found.push({ box: translateBox(b, p.area[0], p.area[1]), score: d.score });
    }
    return found;
  }

  function searchRegions(
    boxes: Box[],
    img: RgbPixels,
    sx: number,
    sy: number,
    scaled: boolean,
  ): Box[] | undefined {
    const pad = Math.round(options.regionPadding);
    let areas = mergeBoxes(
      boxes.map((b) =>
        growBox([b[0] / sx, b[1] / sy, b[2] / sx, b[3] / sy], pad, 0.1, img.width, img.height),
      ),
    ).filter((b) => b[2] >= 8 && b[3] >= 8);
    // tiny areas are searched at no less than the smallest-face context SSD needs
    areas = mergeBoxes(areas.map((b) => growTo(b, options.regionMinSide, img.width, img.height)));
    const regionCost = areas.reduce((n, [, , w, h]) => n + areaCost(w, h, scaled), 0);
    return regionCost < areaCost(img.width, img.height, scaled) ? areas : undefined;
  }

  return { locate, searchRegions };
}

/** The SSD's input side (face-api's 512 x 512). */
const SSD_SIDE = 512;
/** Longest input side of one scaled pass; larger areas are searched in overlapping pieces. */
const MAX_PASS_SIDE = 1024;

/** Grey border between areas packed into one mosaic pass, pixels. */
const MOSAIC_GAP = 16;

interface Placed {
  area: Box;
  /** Top-left of the area on the mosaic canvas. */
  x: number;
  y: number;
}

/** Shelf packing of areas (each no larger than `side`) into as few side x side canvases as fit. */
export function packAreas(areas: readonly Box[], side: number, gap: number): Placed[][] {
  const bins: Array<{ placed: Placed[]; rowY: number; rowH: number; rowX: number }> = [];
  for (const area of [...areas].sort((a, b) => b[3] - a[3])) {
    const [, , w, h] = area;
    let placed = false;
    for (const bin of bins) {
      if (bin.rowX + w <= side && bin.rowY + h <= side) {
        bin.placed.push({ area, x: bin.rowX, y: bin.rowY });
        bin.rowX += w + gap;
        bin.rowH = Math.max(bin.rowH, h);
        placed = true;
        break;
      }
      const nextY = bin.rowY + bin.rowH + gap;
      if (nextY + h <= side && w <= side) {
        bin.rowY = nextY;
        bin.rowX = w + gap;
        bin.rowH = h;
        bin.placed.push({ area, x: 0, y: nextY });
        placed = true;
        break;
      }
    }
    if (!placed) bins.push({ placed: [{ area, x: 0, y: 0 }], rowY: 0, rowH: h, rowX: w + gap });
  }
  return bins.map((b) => b.placed);
}

/**
 * A detection (box in the piece's pixels) touching an edge of a piece (tile, strip) of an area
 * that is not the area's own edge: the face is cut there and lies whole in a neighbour.
 */
function cutByInnerEdge(b: Box, [px, py, pw, ph]: Box, aw: number, ah: number): boolean {
  return (
    (px > 0 && b[0] <= EDGE) ||
    (py > 0 && b[1] <= EDGE) ||
    (px + pw < aw && b[0] + b[2] >= pw - EDGE) ||
    (py + ph < ah && b[1] + b[3] >= ph - EDGE)
  );
}

/** Grows a box about its centre to at least `side` on each axis, kept inside the image. */
function growTo(b: Box, side: number, width: number, height: number): Box {
  const w = Math.min(width, Math.max(b[2], side));
  const h = Math.min(height, Math.max(b[3], side));
  const x = Math.min(Math.max(0, Math.round(b[0] + b[2] / 2 - w / 2)), width - w);
  const y = Math.min(Math.max(0, Math.round(b[1] + b[3] / 2 - h / 2)), height - h);
  return [x, y, w, h];
}

/** Copies a rectangle (integer, inside the image) out of packed RGB. */
export function cropPixels(img: RgbPixels, x: number, y: number, w: number, h: number): RgbPixels {
  const data = new Uint8Array(w * h * 3);
  for (let row = 0; row < h; row++) {
    const from = ((y + row) * img.width + x) * 3;
    data.set(img.data.subarray(from, from + w * 3), row * w * 3);
  }
  return { data, width: w, height: h };
}
