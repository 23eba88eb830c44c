import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseIndexSettings } from '../../src/config/settings.js';
import type { SearchDocument } from '../../src/core/types.js';
import { parseSearchDocument } from '../../src/export/schema.js';
import { resolveFfmpeg } from '../../src/infra/ffmpeg-path.js';
import { DEFAULT_FACE_THRESHOLD } from '../../src/ml/face/index.js';
import { buildStages, pipelineVersion } from '../../src/pipeline/default-stages.js';
import { runIndex } from '../../src/pipeline/index-run.js';
import { findRecurring } from '../../src/search/recurring.js';
import { Store } from '../../src/store/store.js';
import { fixturePath } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

// fps 1 and frames scaled to 640 px wide keep the real models to ~20 frames (faces stay ~70 px).
const settings = parseIndexSettings({
  plates: { enabled: false },
  sampling: { fps: 1, maxWidth: 640 },
});
const CLIP = 'cam-lobby/2023-08-01_11-00-00.mp4';

/** Runs the CLI in-process and returns what it wrote to stdout. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    return { code: await main(argv), stdout };
  } finally {
    spy.mockRestore();
  }
}

describe('search recurring: the same two people in two cameras', () => {
  const root = tempDir();
  const footage = join(root, 'footage');
  const storeDir = join(root, 'store');
  afterEach(() => vi.restoreAllMocks());

  it('indexes the lobby clip as two cameras (distinct bytes)', async () => {
    for (const [cam, tag] of [
      ['cam-1', 'first copy'],
      ['cam-2', 'second copy'],
    ] as const) {
      mkdirSync(join(footage, cam), { recursive: true });
      // a remux with other metadata: same pictures, different SHA-256, so it is not a duplicate
      execFileSync(resolveFfmpeg().path, [
        ...['-hide_banner', '-v', 'error', '-y', '-i', fixturePath(CLIP)],
        ...['-map', '0', '-c', 'copy', '-metadata', `comment=${tag}`],
        join(footage, cam, '2023-08-01_11-00-00.mp4'),
      ]);
    }
    const summary = await runIndex({
      paths: [footage],
      storeDir,
      settings,
      stages: () => buildStages(settings),
      pipelineVersion: pipelineVersion(settings),
      onEvent: () => undefined,
    });
    expect(summary.failed).toEqual([]);
    expect(summary.indexed).toBe(2);
  });

  it('finds 2 persons, each seen in both cameras', async () => {
    const store = await Store.open(storeDir, { create: false });
    try {
      const out = await findRecurring(store, {
        threshold: DEFAULT_FACE_THRESHOLD,
        minTracks: 2,
        minCameras: 2,
        limit: 50,
      });
      expect(out.persons.map((p) => p.label)).toEqual(['person-001', 'person-002']);
      for (const p of out.persons) {
        expect(p.cameras).toEqual(['cam-1', 'cam-2']);
        // sightings by time
        const times = p.results.map((r) => r.startTime ?? '');
        expect([...times].sort()).toEqual(times);
      }
      // the two persons are different tracks in each camera: no track listed twice
      const ids = out.results.map((r) => r.trackId);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      store.close();
    }
  });

  it('CLI --json is a recurring search document that export accepts; --thumbs writes JPEGs', async () => {
    const thumbs = join(root, 'thumbs');
    const { code, stdout } = await cli([
      'search',
      'recurring',
      '--store',
      storeDir,
      '--min-cameras',
      '2',
      '--thumbs',
      thumbs,
      '--json',
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as SearchDocument;
    expect(doc.query.kind).toBe('recurring');
    expect(new Set(doc.results.map((r) => r.pattern))).toEqual(new Set(['person-001', 'person-002']));
    expect(doc.results.every((r) => r.kind === 'face')).toBe(true);
    expect(() => parseSearchDocument(doc)).not.toThrow();
    const jpegs = readdirSync(join(thumbs, 'person-001'));
    expect(jpegs.length).toBeGreaterThanOrEqual(2);
    expect(readFileSync(join(thumbs, 'person-001', jpegs[0] as string)).subarray(0, 2)).toEqual(
      Buffer.from([0xff, 0xd8]),
    );

    const resultsFile = join(root, 'recurring.json');
    writeFileSync(resultsFile, stdout);
    const bundle = join(root, 'bundle');
    const exp = await cli([
      'export',
      resultsFile,
      '--out',
      bundle,
      '--store',
      storeDir,
      '--format',
      'json,csv',
    ]);
    expect(exp.code).toBe(0);
    const timeline = JSON.parse(readFileSync(join(bundle, 'timeline.json'), 'utf8')) as unknown;
    expect(JSON.stringify(timeline)).toContain('person-001');
  });

  it('human output lists each person with camera, time, length and file', async () => {
    const { code, stdout } = await cli(['search', 'recurring', '--store', storeDir, '--min-cameras', '2']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/2 recurring person/);
    expect(stdout).toMatch(/person-001/);
    expect(stdout).toMatch(/cam-1.*2023-08-01 11:00:\d\d.*2023-08-01_11-00-00\.mp4/);
  });
});
