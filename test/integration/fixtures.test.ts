import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveFfprobe } from '../../src/infra/ffmpeg-path.js';
import {
  ensureFixtures,
  fixturePath,
  loadIndex,
  loadTruth,
  type ClipTruth,
  type FixtureIndex,
} from '../helpers/fixtures.js';

const run = promisify(execFile);

interface ProbeStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  r_frame_rate: string;
  start_time?: string;
  nb_read_packets?: string;
  tags?: Record<string, string>;
  side_data_list?: Array<{ rotation?: number }>;
}
interface Probe {
  streams: ProbeStream[];
  format: { format_name: string; duration?: string; tags?: Record<string, string> };
}

async function ffprobe(path: string, extra: string[] = []): Promise<string> {
  const { stdout } = await run(resolveFfprobe().path, ['-v', 'error', ...extra, path], {
    maxBuffer: 64 << 20,
  });
  return stdout;
}

async function probe(path: string): Promise<Probe> {
  return JSON.parse(
    await ffprobe(path, ['-count_packets', '-show_streams', '-show_format', '-of', 'json']),
  ) as Probe;
}

async function framePts(path: string): Promise<number[]> {
  const out = await ffprobe(path, [
    '-select_streams',
    'v:0',
    '-show_entries',
    'frame=best_effort_timestamp_time',
    '-of',
    'csv=p=0',
  ]);
  return out
    .split('\n')
    .map((l) => l.split(',')[0]!.trim())
    .filter(Boolean)
    .map(Number);
}

/** Clockwise degrees a player turns the picture: old ffprobe `rotate` tag, or newer display matrix. */
function rotationOf(s: ProbeStream): number {
  if (s.tags?.rotate) return Number(s.tags.rotate) % 360;
  const m = s.side_data_list?.find((d) => typeof d.rotation === 'number');
  return m ? (360 - (m.rotation ?? 0)) % 360 : 0;
}

const fraction = (r: string): number => {
  const [n, d] = r.split('/').map(Number);
  return n! / d!;
};

let index: FixtureIndex;

beforeAll(async () => {
  await ensureFixtures();
  index = await loadIndex();
});

const CLIPS = [
  'cam-lobby/2023-08-01_11-00-00.mp4',
  'cam-street/ch01_20230801110500.mp4',
  'cam-small-faces/clip.mp4',
  'odd/late-start.mkv',
  'odd/vfr.mkv',
  'odd/rotated.mp4',
  'odd/with-creation-time.mp4',
];

describe('generated fixtures', () => {
  it('index lists every promised clip with its truth file', () => {
    expect(index.clips.map((c) => c.clip).sort()).toEqual([...CLIPS].sort());
    expect(index.broken).toHaveLength(4);
  });

  describe.each(CLIPS)('%s', (clip) => {
    let truth: ClipTruth;
    let info: Probe;
    let video: ProbeStream;

    beforeAll(async () => {
      truth = await loadTruth(clip);
      info = await probe(fixturePath(clip));
      video = info.streams.find((s) => s.codec_type === 'video')!;
    });

    it('has the promised codec, size, rotation and frame count', () => {
      expect(video.codec_name).toBe('h264');
      expect(info.format.format_name).toContain(truth.container === 'mp4' ? 'mp4' : 'matroska');
      expect([video.width, video.height]).toEqual([truth.codedWidth, truth.codedHeight]);
      expect(rotationOf(video)).toBe(truth.rotation);
      const displayed =
        truth.rotation % 180 === 0 ? [video.width, video.height] : [video.height, video.width];
      expect(displayed).toEqual([truth.width, truth.height]);
      expect(Number(video.nb_read_packets)).toBe(truth.frameCount);
    });

    it('has frame times that match the truth', async () => {
      const pts = await framePts(fixturePath(clip));
      expect(pts).toHaveLength(truth.frameCount);
      expect(pts[0]).toBeCloseTo(truth.firstVideoPts, 3);
      const offsets = pts.map((p) => p - pts[0]!);
      const expected = truth.frameOffsets ?? offsets.map((_, n) => n / truth.fps);
      offsets.forEach((o, n) => expect(Math.abs(o - expected[n]!)).toBeLessThan(0.0015));
      if (!truth.vfr) expect(fraction(video.r_frame_rate)).toBe(truth.fps);
      // Duration: last frame's offset plus one frame at the rate in force there.
      const lastGap = truth.vfr ? expected.at(-1)! - expected.at(-2)! : 1 / truth.fps;
      expect(offsets.at(-1)! + lastGap).toBeCloseTo(truth.duration, 1);
    });

    it('has truth boxes inside the frame, one per visible frame, at the right times', () => {
      expect(truth.objects.length).toBeGreaterThan(0);
      for (const obj of truth.objects) {
        expect(obj.kind === 'face' ? obj.identity : obj.plate).toBeTruthy();
        expect(obj.boxes.length).toBeGreaterThan(5);
        expect(obj.boxes[0]!.t).toBe(obj.visible.start);
        expect(obj.boxes.at(-1)!.t).toBe(obj.visible.end);
        expect(obj.onScreen.start).toBeLessThanOrEqual(obj.visible.start);
        expect(obj.onScreen.end).toBeGreaterThanOrEqual(obj.visible.end);
        obj.boxes.forEach((b, i) => {
          const [x, y, w, h] = b.box;
          expect(x).toBeGreaterThanOrEqual(0);
          expect(y).toBeGreaterThanOrEqual(0);
          expect(x + w).toBeLessThanOrEqual(truth.width);
          expect(y + h).toBeLessThanOrEqual(truth.height);
          expect(h).toBe(obj.size);
          expect(b.frame).toBe(obj.boxes[0]!.frame + i);
          const t = truth.frameOffsets ? truth.frameOffsets[b.frame]! : b.frame / truth.fps;
          expect(b.t).toBeCloseTo(t, 3);
        });
      }
    });
  });

  it('lobby: two people at different times; street: two plates of readable width', async () => {
    const lobby = await loadTruth('cam-lobby/2023-08-01_11-00-00.mp4');
    expect(lobby.objects.map((o) => o.identity)).toEqual(['person-a', 'person-b']);
    expect(lobby.objects[0]!.visible.start).not.toBe(lobby.objects[1]!.visible.start);
    lobby.objects.forEach((o) => expect(o.size).toBeGreaterThanOrEqual(120));
    const street = await loadTruth('cam-street/ch01_20230801110500.mp4');
    expect(street.objects.map((o) => o.plate)).toEqual(['LE21ABC', 'KX68TYP']);
    street.objects.forEach((o) => expect(o.boxes[0]!.box[2]).toBeGreaterThanOrEqual(160));
  });

  it('small faces come in the promised sizes', async () => {
    const t = await loadTruth('cam-small-faces/clip.mp4');
    expect(t.objects.map((o) => o.size)).toEqual([32, 48, 64, 96, 128]);
  });

  it('odd clips carry their events and metadata', async () => {
    const late = await loadTruth('odd/late-start.mkv');
    expect(late.firstVideoPts).toBe(0.85);
    expect(late.objects[0]!.visible.start).toBe(late.events['face-appears']);
    const lateInfo = await probe(fixturePath('odd/late-start.mkv'));
    const audio = lateInfo.streams.find((s) => s.codec_type === 'audio');
    expect(Number(audio?.start_time)).toBe(0);

    const vfr = await loadTruth('odd/vfr.mkv');
    expect(vfr.vfr).toBe(true);
    expect(vfr.objects[0]!.visible.start).toBe(2.5);
    const gaps = new Set(
      vfr.frameOffsets!.slice(1).map((o, i) => Math.round((o - vfr.frameOffsets![i]!) * 100)),
    );
    // 1/30 s steps are stored as 33 or 34 ms: both round to 3 hundredths.
    expect([...gaps].sort((x, y) => x - y)).toEqual([3, 10]);

    const ct = await probe(fixturePath('odd/with-creation-time.mp4'));
    expect(ct.format.tags?.creation_time).toMatch(/^2023-08-01T09:30:00(\.0+)?Z$/);
  });

  it('broken inputs are broken in the promised ways', async () => {
    expect((await stat(fixturePath('broken/empty.mp4'))).size).toBe(0);
    const whole = (await stat(fixturePath('odd/with-creation-time.mp4'))).size;
    expect((await stat(fixturePath('broken/truncated.mp4'))).size).toBe(Math.floor(whole * 0.4));
    await expect(probe(fixturePath('broken/notvideo.mp4'))).rejects.toThrow();
    await expect(probe(fixturePath('broken/empty.mp4'))).rejects.toThrow();
    expect((await stat(fixturePath('broken/readme.txt'))).isFile()).toBe(true);
  });

  it('query photos are JPEGs, degraded ones differ from the tight crops', async () => {
    expect(index.queries).toContain('queries/no-face.jpg');
    for (const q of index.queries) {
      const meta = await sharp(fixturePath(q)).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.width).toBeGreaterThan(100);
    }
    for (const id of ['person-a', 'person-b']) {
      const a = await sharp(fixturePath(`queries/${id}.jpg`)).metadata();
      const b = await sharp(fixturePath(`queries/${id}-tight.jpg`)).metadata();
      // A separate shot, not the tight crop re-encoded: a different size and crop.
      expect([a.width, a.height]).not.toEqual([b.width, b.height]);
      expect(a.height).toBeGreaterThan(b.height);
    }
  });
});
