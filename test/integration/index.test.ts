import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIndexSettings } from '../../src/config/settings.js';
import { buildStages, pipelineVersion } from '../../src/pipeline/default-stages.js';
import { runIndex, type IndexEvent } from '../../src/pipeline/index-run.js';
import { Store } from '../../src/store/store.js';
import { fixturePath, loadTruth } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';
import { runFfmpeg } from '../../fixtures/lib/ffmpeg.js';

const bare = parseIndexSettings({ faces: { enabled: false }, plates: { enabled: false } });

async function index(paths: string[], storeDir: string, extra: { camera?: string; start?: string } = {}) {
  const events: IndexEvent[] = [];
  const summary = await runIndex({
    paths,
    storeDir,
    settings: bare,
    stages: () => buildStages(bare),
    pipelineVersion: pipelineVersion(bare),
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { summary, events };
}

async function sources(storeDir: string) {
  const store = await Store.open(storeDir, { create: false });
  try {
    return await store.listSources();
  } finally {
    store.close();
  }
}

describe('index: batches of real files', () => {
  const root = tempDir();
  const footage = join(root, 'footage');
  mkdirSync(join(footage, 'gate'), { recursive: true });
  mkdirSync(join(footage, 'lobby'), { recursive: true });
  copyFileSync(
    fixturePath('cam-street/ch01_20230801110500.mp4'),
    join(footage, 'gate', 'ch01_20230801110500.mp4'),
  );
  copyFileSync(fixturePath('odd/with-creation-time.mp4'), join(footage, 'lobby', 'with-creation-time.mp4'));
  copyFileSync(fixturePath('broken/truncated.mp4'), join(footage, 'lobby', 'truncated.mp4'));
  copyFileSync(fixturePath('broken/empty.mp4'), join(footage, 'lobby', 'empty.mp4'));
  copyFileSync(fixturePath('broken/notvideo.mp4'), join(footage, 'lobby', 'notvideo.mp4'));
  writeFileSync(join(footage, 'lobby', 'notes.txt'), 'shift log');
  const storeDir = join(root, 'store');

  it('indexes the good files, names each bad one with its reason, and goes on', async () => {
    const { summary, events } = await index([footage], storeDir);
    expect(summary.indexed).toBe(2);
    const failed = Object.fromEntries(summary.failed.map((f) => [f.path.split('/').pop(), f.reason]));
    expect(Object.keys(failed).sort()).toEqual(['empty.mp4', 'notvideo.mp4', 'truncated.mp4']);
    expect(failed['empty.mp4']).toMatch(/empty/);
    expect(failed['truncated.mp4']).toMatch(/truncated/);
    expect(failed['notvideo.mp4']).toMatch(/not a readable video/);
    const start = events.find((e) => e.type === 'run-start');
    expect(start?.type === 'run-start' && start.skippedNonVideo.map((s) => s.path.split('/').pop())).toEqual([
      'notes.txt',
    ]);
    expect(events.at(-1)?.type).toBe('summary');
  });

  it('records camera from the folder and the time from metadata or file name', async () => {
    const rows = await sources(storeDir);
    const gate = rows.find((r) => r.camera === 'gate');
    const lobby = rows.find((r) => r.camera === 'lobby');
    expect(gate?.start_time).toBe('2023-08-01T11:05:00.000Z');
    expect(gate?.start_time_source).toBe('filename');
    expect(lobby?.start_time).toBe('2023-08-01T09:30:00.000Z');
    expect(lobby?.start_time_source).toBe('metadata');
    expect(gate?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.every((r) => r.status === 'complete')).toBe(true);
  });

  it('skips sources already indexed, leaving the store unchanged', async () => {
    const before = await sources(storeDir);
    const t = performance.now();
    const { summary } = await index([footage], storeDir);
    expect(performance.now() - t).toBeLessThan(5000);
    expect(summary.indexed).toBe(0);
    expect(summary.skipped).toBe(2);
    const after = await sources(storeDir);
    expect(after.map((r) => [r.sha256, r.indexed_at]).sort()).toEqual(
      before.map((r) => [r.sha256, r.indexed_at]).sort(),
    );
  });

  it('takes --camera and --start where the file holds no time', async () => {
    const dir = join(root, 'store2');
    await index([fixturePath('odd/vfr.mkv')], dir, { camera: 'cam-9', start: '2024-01-02T03:04:05.000Z' });
    const [row] = await sources(dir);
    expect(row?.camera).toBe('cam-9');
    expect(row?.start_time).toBe('2024-01-02T03:04:05.000Z');
    expect(row?.start_time_source).toBe('option');
  });

  it('indexes a copy filed under another camera as a source of its own, and follows a moved file', async () => {
    const original = join(footage, 'gate', 'ch01_20230801110500.mp4');
    mkdirSync(join(root, 'gate-b'));
    const copy = join(root, 'gate-b', 'ch01_20230801111500.mp4');
    copyFileSync(original, copy);
    const first = await index([copy], storeDir);
    expect(first.summary.indexed).toBe(1);
    const start = first.events.find((e) => e.type === 'file-start');
    expect(start?.type === 'file-start' && start.copyOf).toBe(original);
    const both = (await sources(storeDir)).filter(
      (s) => s.sha256 === (first.events.find((e) => e.type === 'file-done') as { sha256: string }).sha256,
    );
    expect(both.map((s) => s.camera).sort()).toEqual(['gate', 'gate-b']);
    expect(new Set(both.map((s) => s.id)).size).toBe(2);

    // moved: the old path is gone, the same content at a new path under the same camera
    mkdirSync(join(root, 'moved', 'gate-b'), { recursive: true });
    const moved = join(root, 'moved', 'gate-b', 'ch01_20230801111500.mp4');
    renameSync(copy, moved);
    const again = await index([moved], storeDir, { camera: 'gate-b' });
    expect(again.summary.skipped).toBe(1);
    const skip = again.events.find((e) => e.type === 'file-skipped');
    expect(skip?.type === 'file-skipped' && skip.reason).toMatch(/already indexed as .* \(moved here\)/);
    const after = (await sources(storeDir)).filter((s) => s.camera === 'gate-b');
    expect(after.map((s) => s.path)).toEqual([moved]);
  });
});

describe('index: detections carry exact offsets', () => {
  it('a face appearing 2.0 s after the first frame of a late-starting file is stored at that offset', async () => {
    const root = tempDir();
    const settings = parseIndexSettings({ sampling: { fps: 5 }, plates: { enabled: false } });
    const truth = await loadTruth('odd/late-start.mkv');
    const appears = truth.events['face-appears']!;
    await runIndex({
      paths: [fixturePath('odd/late-start.mkv')],
      storeDir: root,
      settings,
      stages: () => buildStages(settings),
      pipelineVersion: pipelineVersion(settings),
      onEvent: () => undefined,
    });
    const store = await Store.open(root, { create: false });
    try {
      const tracks = await store.tracks('face');
      expect(tracks).toHaveLength(1);
      const t = tracks[0]!;
      // Sampled at 5 fps: the first sample showing the face is within one sampling step (plus one frame).
      expect(t.start_offset).toBeGreaterThanOrEqual(appears - 0.001);
      expect(t.start_offset).toBeLessThanOrEqual(appears + 0.2 + 0.04);
      expect(t.end_offset).toBeLessThanOrEqual(truth.events['face-gone']! + 0.001);
      expect(t.end_offset).toBeGreaterThanOrEqual(truth.events['face-gone']! - 0.2 - 0.04);
      // The evidence box is where the truth puts the face at that frame (source pixels).
      const obj = truth.objects[0]!;
      const at = obj.boxes.reduce((a, b) =>
        Math.abs(b.t - t.best_offset) < Math.abs(a.t - t.best_offset) ? b : a,
      );
      expect(Math.abs(t.best_x - at.box[0])).toBeLessThan(at.box[2] * 0.3);
      expect(Math.abs(t.best_y - at.box[1])).toBeLessThan(at.box[3] * 0.3);
    } finally {
      store.close();
    }
  });
});

describe('index: a container that states no duration', () => {
  it('takes the duration from the frames (streamed Matroska, as many NVRs write it)', async () => {
    const root = tempDir();
    const clip = join(root, 'live.mkv');
    // -live 1: Matroska written as a stream, with no duration in its header
    await runFfmpeg([
      '-i',
      fixturePath('odd/with-creation-time.mp4'),
      '-c',
      'copy',
      '-live',
      '1',
      '-f',
      'matroska',
      clip,
    ]);
    const storeDir = join(root, 'store');
    await index([clip], storeDir);
    const [source] = await sources(storeDir);
    // the clip is 4 s long; sampled at 2 fps the last frame is within half a second of its end
    expect(source?.duration).toBeGreaterThan(3.5);
    expect(source?.duration).toBeLessThanOrEqual(4.05);
  });
});
