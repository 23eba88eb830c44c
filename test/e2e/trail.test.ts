import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { sightline, userLines } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

interface TrailDoc {
  legs: Array<{
    fromCamera: string;
    toCamera: string;
    distanceKm: number;
    speedKmh: number;
    implausible: boolean;
  }>;
  results: Array<{ camera: string }>;
}

describe('sightline trail: one vehicle across three cameras', () => {
  const root = tempDir();
  const store = join(root, 'store');

  it('gives each leg its distance and speed, marks the impossible one, exports without --store, and flags the plate', async () => {
    // gate-b 8 km north of gate-a, gate-c 60 km further; all in Karachi time (UTC+5)
    const register = join(root, 'cameras.csv');
    const lat = (km: number): string => (24.8607 + km / 111.195).toFixed(6);
    writeFileSync(
      register,
      'id,name,lat,lon,timezone,tags\n' +
        `gate-a,Gate A,${lat(0)},67.0011,Asia/Karachi,boundary\n` +
        `gate-b,Gate B,${lat(8)},67.0011,Asia/Karachi,\n` +
        `gate-c,Gate C,${lat(68)},67.0011,Asia/Karachi,\n`,
    );
    expect((await sightline(['cameras', 'import', register, '--store', store])).code).toBe(0);
    // the same car at 11:05, 11:15 and 11:17 local: byte-identical copies filed under three
    // cameras, each a source of its own
    for (const [cam, stamp] of [
      ['gate-a', '20230801110500'],
      ['gate-b', '20230801111500'],
      ['gate-c', '20230801111700'],
    ] as const) {
      mkdirSync(join(root, 'footage', cam), { recursive: true });
      copyFileSync(
        fixturePath('cam-street/ch01_20230801110500.mp4'),
        join(root, 'footage', cam, `ch01_${stamp}.mp4`),
      );
    }
    expect((await sightline(['index', join(root, 'footage'), '--store', store, '--no-faces'])).code).toBe(0);
    const search = await sightline(['search', 'plate', 'LE21ABC', '--store', store, '--json']);
    const results = join(root, 'results.json');
    writeFileSync(results, search.stdout);
    // results carry the register's names and places; gate-a is a boundary camera, passed first
    const found = (
      JSON.parse(search.stdout) as {
        results: Array<{ camera: string; place?: { name: string }; boundary?: string }>;
      }
    ).results;
    expect(found.map((x) => [x.camera, x.place?.name, x.boundary]).sort()).toEqual([
      ['gate-a', 'Gate A', 'entered'],
      ['gate-b', 'Gate B', undefined],
      ['gate-c', 'Gate C', undefined],
    ]);

    const r = await sightline(['trail', results, '--json']);
    expect(r.code).toBe(0);
    const trail = JSON.parse(r.stdout) as TrailDoc;
    expect(trail.results.map((x) => x.camera)).toEqual(['gate-a', 'gate-b', 'gate-c']);
    const [ab, bc] = trail.legs;
    expect(ab).toMatchObject({ fromCamera: 'gate-a', toCamera: 'gate-b', implausible: false });
    expect(ab!.distanceKm).toBeCloseTo(8, 0);
    expect(ab!.speedKmh).toBeGreaterThan(44);
    expect(ab!.speedKmh).toBeLessThan(52);
    expect(bc).toMatchObject({ fromCamera: 'gate-b', toCamera: 'gate-c', implausible: true });
    expect(bc!.speedKmh).toBeGreaterThan(1500);

    const human = await sightline(['trail', results]);
    expect(human.stdout).toMatch(/Gate B\s+Gate C.*IMPLAUSIBLE/);

    const trailFile = join(root, 'trail.json');
    writeFileSync(trailFile, r.stdout);
    const out = join(root, 'bundle');
    const exp = await sightline(['export', trailFile, '--out', out]);
    expect(userLines(exp.stderr).filter((l) => !l.startsWith('bundle '))).toEqual([]);
    expect(exp.code).toBe(0);
    expect((await sightline(['verify', out])).code).toBe(0);
    // the route drawn on a map of the three cameras, hashed with the rest; the report names them
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      files: Array<{ path: string }>;
    };
    expect(manifest.files.map((x) => x.path)).toContain('trail-map.png');
    const map = await sharp(join(out, 'trail-map.png')).metadata();
    expect(map.format).toBe('png');
    expect(map.width).toBeGreaterThan(600);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const name of ['Gate A (gate-a)', 'Gate B (gate-b)', 'Gate C (gate-c)'])
      expect(html).toContain(name);
    expect(html).toMatch(/IMPLAUSIBLE: 1\d{3} km\/h is over 200 km\/h/);
    expect(readFileSync(join(out, 'timeline.csv'), 'utf8')).toContain('gate-a,Gate A,');

    // travelling together: the blue car follows the red one past all three gates
    const cv = await sightline(['convoy', results, '--json']);
    expect(cv.code).toBe(0);
    const convoy = JSON.parse(cv.stdout) as {
      companions: Array<{
        kind: string;
        label: string;
        cameras: string[];
        shared: Array<{ gapSeconds: number }>;
      }>;
      results: Array<{ pattern: string; camera: string }>;
    };
    expect(convoy.companions.map((x) => [x.kind, x.label, x.cameras])).toEqual([
      ['plate', 'KX68TYP', ['gate-a', 'gate-b', 'gate-c']],
    ]);
    expect(convoy.companions[0]!.shared.every((x) => x.gapSeconds < 10)).toBe(true);
    expect(convoy.results.map((x) => x.camera).sort()).toEqual(['gate-a', 'gate-b', 'gate-c']);
    expect((await sightline(['convoy', results, '--min-cameras', '4'])).stdout).toMatch(
      /^no plate or person seen/,
    );

    // the same plate 60 km apart in two minutes: flagged as a plate that cannot be one vehicle
    const f = await sightline(['flags', '--store', store, '--json']);
    expect(f.code).toBe(0);
    const flags = (JSON.parse(f.stdout) as { flags: Array<{ plate: string; kind: string; reason: string }> })
      .flags;
    const le = flags.filter((x) => x.plate === 'LE21ABC');
    expect(le).toEqual([
      expect.objectContaining({ kind: 'speed', reason: expect.stringMatching(/gate-b and gate-c/) }),
    ]);
    const slow = await sightline(['flags', '--store', store, '--json', '--max-speed', '5000']);
    expect((JSON.parse(slow.stdout) as { flags: unknown[] }).flags).toEqual([]);
  });
});
