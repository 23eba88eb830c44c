import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPlateReader } from '../../src/detect/plates.js';
import { probe, sampleFrames } from '../../src/infra/ffmpeg.js';
import { trackPlates, type FrameReadings } from '../../src/track/plates.js';
import { matchPlate } from '../../src/core/plate.js';

const clip = 'fixtures/generated/cam-street/ch01_20230801110500.mp4';
const truthFile = 'fixtures/generated/cam-street/ch01_20230801110500.truth.json';

interface Truth {
  objects: Array<{ kind: string; plate?: string; visible: { start: number; end: number } }>;
}

// The generated street clip is built by the fixture generator; skip where it has not been built.
describe.skipIf(!existsSync(clip) || !existsSync(truthFile))(
  'plate tracks on the generated street clip',
  () => {
    it('finds each rendered plate as one track with the right text and time span', async () => {
      const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as Truth;
      const plates = truth.objects.filter((o) => o.kind === 'plate' && o.plate);
      const info = await probe(clip);
      const reader = await createPlateReader({ threads: 2, crops: false });
      const frames: FrameReadings[] = [];
      try {
        for await (const f of sampleFrames(clip, {
          fps: 2,
          maxWidth: 1280,
          width: info.width,
          height: info.height,
        })) {
          frames.push({ frame: f.index, offset: f.offset, pts: f.pts, readings: await reader.readFrame(f) });
        }
      } finally {
        await reader.dispose();
      }
      const tracks = trackPlates(frames);
      for (const p of plates) {
        const hits = tracks.filter((t) => t.text === p.plate);
        expect(hits, `${p.plate} in ${JSON.stringify(tracks.map((t) => t.text))}`).toHaveLength(1);
        const t = hits[0];
        // sampled at 2 fps: the track starts and ends within one sample of the visible span
        expect(t?.startOffset).toBeGreaterThanOrEqual(p.visible.start - 0.6);
        expect(t?.endOffset).toBeLessThanOrEqual(p.visible.end + 0.6);
        expect(matchPlate(`${p.plate?.slice(0, 3)}*`, t?.text ?? '')).not.toBeNull();
      }
    });
  },
);
