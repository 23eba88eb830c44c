import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sightline, userLines } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

describe('sightline cameras: the camera register', () => {
  const root = tempDir();
  const store = join(root, 'store');
  const csv = join(root, 'register.csv');
  writeFileSync(
    csv,
    'id,name,lat,lon,timezone,tags\n' +
      'gate-a,"Gate A, north",24.8607,67.0011,Asia/Karachi,boundary\n' +
      'gate-b,Gate B,24.9300,67.0400,Asia/Karachi,\n',
  );

  it('imports a register into a store it creates, and lists it', async () => {
    const r = await sightline(['cameras', 'import', csv, '--store', store]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 cameras imported/);
    expect(existsSync(store)).toBe(true);
    const list = await sightline(['cameras', '--store', store, '--json']);
    expect(list.code).toBe(0);
    const doc = JSON.parse(list.stdout) as { cameras: Array<{ id: string; name: string; tags: string[] }> };
    expect(doc.cameras.map((c) => c.id)).toEqual(['gate-a', 'gate-b']);
    expect(doc.cameras[0]).toMatchObject({ name: 'Gate A, north', tags: ['boundary'] });
    const table = await sightline(['cameras', '--store', store]);
    expect(table.stdout).toMatch(/gate-a\s+Gate A, north\s+24\.86070\s+67\.00110\s+Asia\/Karachi/);
  });

  it('updates a camera by id on re-import (JSON), keeping the others', async () => {
    const json = join(root, 'moved.json');
    writeFileSync(
      json,
      JSON.stringify([
        {
          id: 'gate-b',
          name: 'Gate B (moved)',
          lat: 24.94,
          lon: 67.05,
          timezone: 'Asia/Karachi',
          tags: [],
          clock_offset: -12,
        },
      ]),
    );
    expect((await sightline(['cameras', 'import', json, '--store', store])).code).toBe(0);
    const doc = JSON.parse((await sightline(['cameras', '--store', store, '--json'])).stdout) as {
      cameras: Array<{ id: string; name: string; clockOffset: number }>;
    };
    expect(doc.cameras).toHaveLength(2);
    expect(doc.cameras.find((c) => c.id === 'gate-b')).toMatchObject({
      name: 'Gate B (moved)',
      clockOffset: -12,
    });
  });

  it('refuses a bad row with exit 2, naming row and column, and changes nothing', async () => {
    const bad = join(root, 'bad.csv');
    writeFileSync(
      bad,
      'id,name,lat,lon,timezone,tags\ngate-c,C,24.9,67.1,Asia/Karachi,\ngate-d,D,24.9,67.1,Asia/Karchi,\n',
    );
    const r = await sightline(['cameras', 'import', bad, '--store', store]);
    expect(r.code).toBe(2);
    expect(userLines(r.stderr)).toEqual([expect.stringMatching(/row 2, column timezone: "Asia\/Karchi"/)]);
    const doc = JSON.parse((await sightline(['cameras', '--store', store, '--json'])).stdout) as {
      cameras: Array<{ id: string }>;
    };
    expect(doc.cameras.map((c) => c.id)).toEqual(['gate-a', 'gate-b']);
  });

  it("reads a file name's time stamp in its camera's zone once the register has the camera", async () => {
    const footage = join(root, 'footage', 'gate-a');
    mkdirSync(footage, { recursive: true });
    // named 11:05:00 local; gate-a is in Asia/Karachi (UTC+5)
    copyFileSync(fixturePath('cam-street/ch01_20230801110500.mp4'), join(footage, 'ch01_20230801110500.mp4'));
    const idx = await sightline(['index', footage, '--store', store, '--no-faces']);
    expect(idx.code).toBe(0);
    const r = await sightline(['search', 'plate', 'LE21ABC', '--store', store, '--json']);
    const doc = JSON.parse(r.stdout) as { results: Array<{ camera: string; startTime: string }> };
    expect(doc.results[0]?.camera).toBe('gate-a');
    expect(doc.results[0]?.startTime.startsWith('2023-08-01T06:05:0')).toBe(true);
  });

  it("limits plate searches by time window (UTC or each camera's local time) and camera, in the store query", async () => {
    const found = async (...extra: string[]): Promise<string[]> => {
      const r = await sightline(['search', 'plate', 'LE21ABC', '--store', store, '--json', ...extra]);
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout) as { results: Array<{ camera: string }> }).results.map((x) => x.camera);
    };
    // LE21ABC is in view 06:05:01-06:05:04 UTC, 11:05 in Karachi
    expect(await found('--from', '2023-08-01T06:05:00Z', '--to', '2023-08-01T06:06:00Z')).toEqual(['gate-a']);
    expect(await found('--from', '2023-08-01 11:05', '--to', '2023-08-01 11:06')).toEqual(['gate-a']);
    expect(await found('--from', '2023-08-01T06:06:00Z')).toEqual([]);
    expect(await found('--to', '2023-08-01 11:04:59')).toEqual([]);
    expect(await found('--camera', 'gate-b')).toEqual([]);
    expect(await found('--camera', 'gate-b,gate-a')).toEqual(['gate-a']);
    const bad = await sightline(['search', 'plate', 'LE21ABC', '--store', store, '--from', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(userLines(bad.stderr)).toEqual([expect.stringMatching(/--from yesterday is not a time/)]);
  });
});
