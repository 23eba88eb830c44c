/**
 * Motion maths on small grey images: downscale, difference against a running-average background,
 * threshold, dilate, connected components, box merging. Pure functions, no I/O.
 */
import type { Box } from './types.js';

/** Grey (luma) copy of packed RGB24, shrunk by an integer-free area average to outW x outH. */
export function greyDownscale(
  rgb: Uint8Array,
  width: number,
  height: number,
  outW: number,
  outH: number,
): Uint8Array {
  const out = new Uint8Array(outW * outH);
  const sums = new Float64Array(outW);
  const counts = new Uint32Array(outW);
  const colOf = new Uint32Array(width);
  for (let x = 0; x < width; x++) colOf[x] = Math.min(outW - 1, Math.floor((x * outW) / width));
  let oy = 0;
  sums.fill(0);
  counts.fill(0);
  for (let y = 0; y < height; y++) {
    const ty = Math.min(outH - 1, Math.floor((y * outH) / height));
    if (ty !== oy) {
      for (let x = 0; x < outW; x++) out[oy * outW + x] = counts[x]! ? Math.round(sums[x]! / counts[x]!) : 0;
      sums.fill(0);
      counts.fill(0);
      oy = ty;
    }
    // every other row and column is plenty for a motion mask, and halves the cost
    if ((y & 1) === 1 && height > 2 * outH) continue;
    const row = y * width * 3;
    const step = width > 2 * outW ? 2 : 1;
    for (let x = 0; x < width; x += step) {
      const i = row + x * 3;
      const c = colOf[x]!;
      sums[c]! += 77 * rgb[i]! + 150 * rgb[i + 1]! + 29 * rgb[i + 2]!;
      counts[c]! += 256;
    }
  }
  for (let x = 0; x < outW; x++) out[oy * outW + x] = counts[x]! ? Math.round(sums[x]! / counts[x]!) : 0;
  return out;
}

/** Pixels whose grey value differs from the background by more than `threshold` (1) or not (0). */
export function diffMask(grey: Uint8Array, background: Float32Array, threshold: number): Uint8Array {
  const mask = new Uint8Array(grey.length);
  for (let i = 0; i < grey.length; i++) mask[i] = Math.abs(grey[i]! - background[i]!) > threshold ? 1 : 0;
  return mask;
}

/** Running average: background += alpha * (grey - background). */
export function updateBackground(background: Float32Array, grey: Uint8Array, alpha: number): void {
  for (let i = 0; i < grey.length; i++) background[i]! += alpha * (grey[i]! - background[i]!);
}

/** Square dilation by `r` pixels (separable max filter). */
export function dilate(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  if (r <= 0) return mask.slice();
  const tmp = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let k = Math.max(0, x - r); k <= Math.min(width - 1, x + r) && !v; k++) v = mask[y * width + k]!;
      tmp[y * width + x] = v;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let k = Math.max(0, y - r); k <= Math.min(height - 1, y + r) && !v; k++) v = tmp[k * width + x]!;
      out[y * width + x] = v;
    }
  }
  return out;
}

export interface Component {
  box: Box;
  /** Set pixels in the component. */
  area: number;
}

/** 8-connected components of a 0/1 mask, each as its bounding box and pixel count. */
export function components(mask: Uint8Array, width: number, height: number): Component[] {
  const seen = new Uint8Array(mask.length);
  const out: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let [x0, y0, x1, y1, area] = [width, height, -1, -1, 0];
    stack.push(start);
    seen[start] = 1;
    while (stack.length > 0) {
      const p = stack.pop()!;
      const x = p % width;
      const y = (p - x) / width;
      area++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (mask[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
      }
    }
    out.push({ box: [x0, y0, x1 - x0 + 1, y1 - y0 + 1], area });
  }
  return out;
}

/** True when the boxes overlap or lie within `gap` pixels of each other. */
export function boxesNear(a: Box, b: Box, gap: number): boolean {
  return (
    a[0] <= b[0] + b[2] + gap &&
    b[0] <= a[0] + a[2] + gap &&
    a[1] <= b[1] + b[3] + gap &&
    b[1] <= a[1] + a[3] + gap
  );
}

export function unionBox(a: Box, b: Box): Box {
  const x = Math.min(a[0], b[0]);
  const y = Math.min(a[1], b[1]);
  return [x, y, Math.max(a[0] + a[2], b[0] + b[2]) - x, Math.max(a[1] + a[3], b[1] + b[3]) - y];
}

/** Merges boxes that overlap or lie within `gap` of each other until none do. */
export function mergeBoxes(boxes: readonly Box[], gap = 0): Box[] {
  const out = boxes.map((b): Box => [...b]);
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length; j++) {
        if (boxesNear(out[i]!, out[j]!, gap)) {
          out[i] = unionBox(out[i]!, out[j]!);
          out.splice(j, 1);
          merged = true;
          break;
        }
      }
    }
  }
  return out;
}

/** Grows a box by `pad` pixels (and `share` of its size) on every side, clipped to the image. */
export function growBox(b: Box, pad: number, share: number, width: number, height: number): Box {
  const px = pad + b[2] * share;
  const py = pad + b[3] * share;
  const x0 = Math.max(0, Math.floor(b[0] - px));
  const y0 = Math.max(0, Math.floor(b[1] - py));
  const x1 = Math.min(width, Math.ceil(b[0] + b[2] + px));
  const y1 = Math.min(height, Math.ceil(b[1] + b[3] + py));
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
}

/** Area of the union of boxes as a share of the image (rasterised on a coarse grid). */
export function coverage(boxes: readonly Box[], width: number, height: number, cell = 8): number {
  const gw = Math.ceil(width / cell);
  const gh = Math.ceil(height / cell);
  const grid = new Uint8Array(gw * gh);
  for (const [x, y, w, h] of boxes) {
    for (let gy = Math.floor(y / cell); gy < Math.min(gh, Math.ceil((y + h) / cell)); gy++)
      for (let gx = Math.floor(x / cell); gx < Math.min(gw, Math.ceil((x + w) / cell)); gx++)
        grid[gy * gw + gx] = 1;
  }
  let n = 0;
  for (const v of grid) n += v;
  return n / grid.length;
}
