import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { escapeHtml, plainText } from '../core/escape.js';
import type { Box } from '../core/types.js';

const require = createRequire(import.meta.url);

/** DejaVu from npm: a fresh machine may have no system fonts at all. */
export function fontFile(style: 'regular' | 'bold' | 'mono' = 'regular'): string {
  const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return join(
    dir,
    style === 'bold' ? 'DejaVuSans-Bold.ttf' : style === 'mono' ? 'DejaVuSansMono.ttf' : 'DejaVuSans.ttf',
  );
}

/** Integer rectangle inside a width×height frame, at least 1×1. */
export function clampRect(
  x: number,
  y: number,
  w: number,
  h: number,
  width: number,
  height: number,
): { left: number; top: number; width: number; height: number } {
  const left = Math.min(Math.max(0, Math.floor(x)), width - 1);
  const top = Math.min(Math.max(0, Math.floor(y)), height - 1);
  const right = Math.max(left + 1, Math.min(width, Math.ceil(x + w)));
  const bottom = Math.max(top + 1, Math.min(height, Math.ceil(y + h)));
  return { left, top, width: right - left, height: bottom - top };
}

/** The crop: the box with a quarter of its size as margin on each side, clamped to the frame. */
export function cropRect(box: Box, width: number, height: number): ReturnType<typeof clampRect> {
  const [x, y, w, h] = box;
  const mx = Math.max(0, w) * 0.25;
  const my = Math.max(0, h) * 0.25;
  return clampRect(x - mx, y - my, w + 2 * mx, h + 2 * my, width, height);
}

export interface EvidenceImages {
  annotated: Buffer;
  crop: Buffer;
  width: number;
  height: number;
}

/**
 * Annotated copy (box, and a label with camera and time drawn in DejaVu) and crop of a clean
 * frame. The clean frame itself is never altered: these are new images derived from it.
 */
export async function annotate(clean: Buffer, box: Box, label: string): Promise<EvidenceImages> {
  const meta = await sharp(clean).metadata();
  const width = meta.width;
  const height = meta.height;
  const r = clampRect(box[0], box[1], box[2], box[3], width, height);
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 240));
  const fontPx = Math.max(11, Math.round(height / 36));
  const text = await sharp({
    text: {
      text: `<span foreground="#ffffff">${escapeHtml(plainText(label))}</span>`,
      font: `DejaVu Sans ${fontPx}px`,
      fontfile: fontFile(),
      rgba: true,
      dpi: 72,
      width: Math.max(16, width - 8),
      wrap: 'char',
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  const tw = Math.min(text.info.width, width);
  const th = Math.min(text.info.height, height);
  const pad = 3;
  const labelH = th + 2 * pad;
  const labelTop = r.top - labelH >= 0 ? r.top - labelH : Math.min(height - labelH, r.top + r.height);
  const labelLeft = Math.max(0, Math.min(r.left, width - tw - 2 * pad));
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect x="${r.left + stroke / 2}" y="${r.top + stroke / 2}" width="${Math.max(1, r.width - stroke)}" height="${Math.max(1, r.height - stroke)}" fill="none" stroke="#ff2020" stroke-width="${stroke}"/>` +
      `<rect x="${labelLeft}" y="${Math.max(0, labelTop)}" width="${Math.min(width, tw + 2 * pad)}" height="${Math.min(height, labelH)}" fill="#000000" fill-opacity="0.7"/>` +
      `</svg>`,
  );
  const textImg =
    tw === text.info.width && th === text.info.height
      ? text.data
      : await sharp(text.data).extract({ left: 0, top: 0, width: tw, height: th }).png().toBuffer();
  const annotated = await sharp(clean)
    .composite([
      { input: svg, left: 0, top: 0 },
      { input: textImg, left: labelLeft + pad, top: Math.max(0, labelTop) + pad },
    ])
    .png()
    .toBuffer();
  const crop = await sharp(clean)
    .extract(cropRect(box, width, height))
    .png()
    .toBuffer();
  return { annotated, crop, width, height };
}

/** A smaller copy for showing inside the reports (the evidence files stay full size). */
export async function displayCopy(png: Buffer, maxWidth = 1280): Promise<Buffer> {
  const meta = await sharp(png).metadata();
  if (meta.width <= maxWidth) return png;
  return sharp(png).resize({ width: maxWidth }).png().toBuffer();
}
