import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { createPlateReader, type PlateReader } from '../../src/detect/plates.js';
import { matchPlate } from '../../src/core/plate.js';
import type { Frame } from '../../src/core/types.js';

const require = createRequire(import.meta.url);
const fontDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

/**
 * librsvg (inside sharp) ignores CSS @font-face urls and asks fontconfig, so on a machine without
 * system fonts text comes out as empty boxes. A private fonts.conf listing only the packaged
 * DejaVu folder makes the rendering the same everywhere; it must be set before the first text
 * is drawn in this process.
 */
const fcDir = mkdtempSync(join(tmpdir(), 'sightline-fc-'));
writeFileSync(
  join(fcDir, 'fonts.conf'),
  `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>${fontDir}</dir><cachedir>${join(fcDir, 'cache')}</cachedir></fontconfig>`,
);
process.env.FONTCONFIG_FILE = join(fcDir, 'fonts.conf');

/** A 640x360 street-grey scene with one white UK-style plate (text `plate`) at (220, 200). */
async function renderScene(plate: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360">
  <rect width="640" height="360" fill="#5a6470"/>
  <rect x="150" y="150" width="340" height="150" rx="12" fill="#2b3a55"/>
  <rect x="220" y="200" width="200" height="46" rx="4" fill="#f4f4f0" stroke="#222" stroke-width="2"/>
  <text x="320" y="236" font-family="DejaVu Sans" font-weight="bold" font-size="34" text-anchor="middle" fill="#111">${plate}</text>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

let reader: PlateReader;

beforeAll(async () => {
  reader = await createPlateReader({ threads: 2 });
});
afterAll(async () => {
  await reader?.dispose();
  rmSync(fcDir, { recursive: true, force: true });
});

describe('plate reader (real PaddleOCR models)', () => {
  it('renders real glyphs from the packaged font', async () => {
    const plateArea = async (text: string): Promise<Buffer> =>
      sharp(await renderScene(text))
        .extract({ left: 222, top: 202, width: 196, height: 42 })
        .greyscale()
        .raw()
        .toBuffer();
    const a = await plateArea('LE21 ABC');
    const b = await plateArea('KX68 TYP');
    let dark = 0;
    let differ = 0;
    for (let i = 0; i < a.length; i++) {
      if ((a[i] ?? 255) < 100) dark++;
      if (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) > 60) differ++;
    }
    // bold strokes cover a fair part of the plate; missing-glyph boxes ("tofu") are thin
    expect(dark / a.length).toBeGreaterThan(0.12);
    expect(dark / a.length).toBeLessThan(0.6);
    // and tofu would look the same for two strings of the same length
    expect(differ / a.length).toBeGreaterThan(0.05);
  });

  it('reads the plate exactly and finds it by a partial pattern', async () => {
    const readings = await reader.readImage(await renderScene('LE21 ABC'));
    expect(readings.length).toBeGreaterThan(0);
    const best = readings[0];
    expect(best?.text).toBe('LE21ABC');
    expect(best?.confidence).toBeGreaterThan(0.8);
    expect(best?.charConfidences).toHaveLength(7);
    expect(best?.alternatives).toHaveLength(7);
    expect(best?.crop?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const [x = 0, y = 0, w = 0, h = 0] = best?.box ?? [];
    // the plate sits at 220,200 200x46
    expect(x).toBeGreaterThan(200);
    expect(x + w).toBeLessThan(440);
    expect(y).toBeGreaterThan(185);
    expect(y + h).toBeLessThan(260);
    expect(matchPlate('LE2*', best?.text ?? '')).toMatchObject({ cost: 0, start: 0 });
    expect(matchPlate('LE2*', best?.text ?? '', { exact: true })).not.toBeNull();
    expect(matchPlate('KX6*', best?.text ?? '')).toBeNull();
  });

  it('reports boxes of a downscaled frame in source pixels', async () => {
    const png = await renderScene('KX68 TYP');
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const frame: Frame = {
      index: 0,
      pts: 0,
      offset: 0,
      width: info.width,
      height: info.height,
      data,
      sourceWidth: info.width * 2,
      sourceHeight: info.height * 2,
    };
    const readings = await reader.readFrame(frame);
    expect(readings[0]?.text).toBe('KX68TYP');
    const [x = 0, , w = 0] = readings[0]?.box ?? [];
    expect(x).toBeGreaterThan(400);
    expect(x + w).toBeLessThan(880);
  });

  it('keeps non-plate text out', async () => {
    const readings = await reader.readImage(await renderScene('HELLO'));
    expect(readings.map((r) => r.text)).toEqual([]);
    expect(reader.modelId).toMatch(/paddleocr/);
  });
});
