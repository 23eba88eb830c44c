/**
 * Layout of a map of cameras drawn from their coordinates alone (no map tiles): an
 * equirectangular projection scaled by the cosine of the mean latitude (true to scale along the
 * parallels near the cameras, plenty for a few hundred kilometres), fitted into a picture. Pure.
 */
import { distanceKm } from './trail.js';

export interface MapPoint {
  id: string;
  lat: number;
  lon: number;
}

export interface MapLayout {
  /** Pixel position of each point. */
  at: Map<string, { x: number; y: number }>;
  /** Pixels per kilometre. */
  pxPerKm: number;
}

/** Kilometres per degree of latitude (mean Earth radius). */
const KM_PER_DEGREE = distanceKm(0, 0, 1, 0);

/**
 * Places `points` in a width×height picture with `margin` pixels free on every side; north up,
 * one scale both ways. A single point (or points at one place) is centred at 1 px = 10 m.
 */
export function layoutMap(
  points: readonly MapPoint[],
  width: number,
  height: number,
  margin: number,
): MapLayout {
  const at = new Map<string, { x: number; y: number }>();
  if (points.length === 0) return { at, pxPerKm: 1 };
  const meanLat = points.reduce((s, p) => s + p.lat, 0) / points.length;
  const kx = KM_PER_DEGREE * Math.cos((meanLat * Math.PI) / 180);
  const xs = points.map((p) => p.lon * kx);
  const ys = points.map((p) => p.lat * KM_PER_DEGREE);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const spanX = x1 - x0;
  const spanY = y1 - y0;
  const room = { w: Math.max(1, width - 2 * margin), h: Math.max(1, height - 2 * margin) };
  const pxPerKm =
    spanX <= 0 && spanY <= 0
      ? 100
      : Math.min(spanX > 0 ? room.w / spanX : Infinity, spanY > 0 ? room.h / spanY : Infinity);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  points.forEach((p, i) => {
    at.set(p.id, {
      x: width / 2 + (xs[i]! - cx) * pxPerKm,
      y: height / 2 - (ys[i]! - cy) * pxPerKm,
    });
  });
  return { at, pxPerKm };
}

/** A round scale-bar length (1, 2 or 5 × 10^k km) about a fifth of `maxPx` long at `pxPerKm`. */
export function scaleBarKm(pxPerKm: number, maxPx: number): number {
  const target = maxPx / 5 / pxPerKm;
  const k = Math.pow(10, Math.floor(Math.log10(target)));
  for (const m of [5, 2, 1]) if (m * k <= target) return m * k;
  return k;
}
