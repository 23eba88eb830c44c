import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sha256Buffer } from '../../src/infra/hash.js';
import { sightline } from '../helpers/cli.js';
import { fixturePath, loadTruth } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

type Box = [number, number, number, number];

/** Sum of the Sobel gradient magnitude of the grey image inside a box. */
async function edgeEnergy(png: string, [x, y, w, h]: Box): Promise<number> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const at = (i: number, j: number): number => data[j * info.width + i] ?? 0;
  let sum = 0;
  for (let j = Math.max(1, y); j < Math.min(info.height - 1, y + h); j++)
    for (let i = Math.max(1, x); i < Math.min(info.width - 1, x + w); i++) {
      const gx =
        at(i + 1, j - 1) +
        2 * at(i + 1, j) +
        at(i + 1, j + 1) -
        at(i - 1, j - 1) -
        2 * at(i - 1, j) -
        at(i - 1, j + 1);
      const gy =
        at(i - 1, j + 1) +
        2 * at(i, j + 1) +
        at(i + 1, j + 1) -
        at(i - 1, j - 1) -
        2 * at(i, j - 1) -
        at(i + 1, j - 1);
      sum += Math.hypot(gx, gy);
    }
  return sum;
}

describe('export --redact: bystanders blurred out of the evidence', () => {
  it("keeps the subject's face and takes the other person's edges away; the bundle still verifies", async () => {
    const root = tempDir();
    const store = join(root, 'store');
    const clip = 'cam-lobby/2023-08-01_11-00-00.mp4';
    expect(
      (await sightline(['index', fixturePath(clip), '--store', store, '--camera', 'lobby', '--no-plates']))
        .code,
    ).toBe(0);
    const search = await sightline([
      'search',
      'face',
      fixturePath('queries/person-a.jpg'),
      '--store',
      store,
      '--json',
      '--limit',
      '1',
    ]);
    expect(search.code).toBe(0);
    const results = join(root, 'results.json');
    writeFileSync(results, search.stdout);

    const plain = join(root, 'plain');
    const redacted = join(root, 'redacted');
    expect((await sightline(['export', results, '--out', plain, '--format', 'json'])).code).toBe(0);
    const r = await sightline(['export', results, '--out', redacted, '--redact']);
    expect(r.code).toBe(0);
    expect((await sightline(['verify', redacted])).code).toBe(0);

    const cleanFile = readdirSync(join(plain, 'evidence')).find((f) => f.endsWith('-clean.png'))!;
    const redFile = readdirSync(join(redacted, 'evidence')).find((f) => f.endsWith('-redacted.png'))!;
    expect(redFile).toBeTruthy();
    // the frame both views were taken from, and where the two people are in it (fixture truth)
    const offset = Number(/-(\d+\.\d{3})-clean\.png$/.exec(cleanFile)![1]);
    const truth = await loadTruth(clip);
    const frame = Math.round(offset * truth.fps);
    const boxOf = (id: string): Box => {
      const o = truth.objects.find((x) => x.id === id)!;
      return o.boxes.find((b) => b.frame === frame)!.box as Box;
    };
    const subject = boxOf('person-a#1');
    const other = boxOf('person-b#1');
    const a = join(plain, 'evidence', cleanFile);
    const b = join(redacted, 'evidence', redFile);
    expect((await edgeEnergy(b, subject)) / (await edgeEnergy(a, subject))).toBeGreaterThanOrEqual(0.8);
    expect((await edgeEnergy(b, other)) / (await edgeEnergy(a, other))).toBeLessThanOrEqual(0.3);

    // the manifest holds the unredacted frame's hash: the plain export's very frame
    const manifest = JSON.parse(readFileSync(join(redacted, 'manifest.json'), 'utf8')) as {
      redaction: { frames: Array<{ file: string; unredactedSha256: string; regions: unknown[] }> };
    };
    expect(manifest.redaction.frames).toEqual([
      expect.objectContaining({
        file: `evidence/${redFile}`,
        unredactedSha256: sha256Buffer(readFileSync(a)),
      }),
    ]);
    expect(readFileSync(join(redacted, 'report.html'), 'utf8')).toMatch(
      /Bystanders are blurred in every image of this bundle: 1 face in 1 frame/,
    );
  });
});
