import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createPlateReader } from '../../src/detect/plates.js';
import { renderPlate } from '../../fixtures/lib/material.js';
import { tempDir } from '../helpers/temp.js';

describe('two-line plates', () => {
  it('are read row by row and joined, top row first', async () => {
    const dir = tempDir();
    const top = join(dir, 'top.png');
    const bottom = join(dir, 'bottom.png');
    // a motorcycle-style plate: two rows of like size on one yellow plate
    await renderPlate({ text: 'MX19', background: '0xF2D21B', width: 150, height: 56 }, top);
    await renderPlate({ text: 'BKE', background: '0xF2D21B', width: 150, height: 56 }, bottom);
    const plate = await sharp({ create: { width: 170, height: 128, channels: 3, background: '#f2d21b' } })
      .composite([
        { input: top, left: 10, top: 8 },
        { input: bottom, left: 10, top: 64 },
      ])
      .png()
      .toBuffer();
    const photo = await sharp({ create: { width: 640, height: 400, channels: 3, background: '#3a3d42' } })
      .composite([{ input: plate, left: 235, top: 150 }])
      .jpeg({ quality: 92 })
      .toBuffer();
    const reader = await createPlateReader({ threads: 2, crops: false });
    try {
      const texts = (await reader.readImage(photo)).map((r) => r.text);
      expect(texts).toContain('MX19BKE');
      // its top row is not reported again as a plate of its own
      expect(texts).not.toContain('MX19');
    } finally {
      await reader.dispose();
    }
  });
});
