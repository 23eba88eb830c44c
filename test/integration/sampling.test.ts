import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/infra/buffer-pool.js';
import { probe, sampleFrames } from '../../src/infra/ffmpeg.js';
import { fixturePath, loadTruth } from '../helpers/fixtures.js';

async function offsets(
  rel: string,
  fps: number,
): Promise<{ offsets: number[]; pts: number[]; size: string }> {
  const p = await probe(fixturePath(rel));
  const out = { offsets: [] as number[], pts: [] as number[], size: '' };
  for await (const f of sampleFrames(fixturePath(rel), {
    fps,
    maxWidth: 1920,
    width: p.width,
    height: p.height,
  })) {
    out.offsets.push(f.offset);
    out.pts.push(f.pts);
    out.size = `${f.width}x${f.height}`;
    expect(f.data.length).toBe(f.width * f.height * 3);
  }
  return out;
}

describe('frame sampling', () => {
  it('measures offsets from the first video frame, not the container start', async () => {
    const truth = await loadTruth('odd/late-start.mkv');
    const got = await offsets('odd/late-start.mkv', 25);
    expect(got.pts[0]).toBeCloseTo(0.85, 3);
    expect(got.offsets).toHaveLength(truth.frameCount ?? 150);
    // Every decoded frame keeps its own time: frame i at i/25 s, to the millisecond of the container.
    got.offsets.forEach((o, i) => expect(Math.abs(o - i / 25)).toBeLessThan(0.0015));
  });

  it('keeps exact times on variable frame rate footage', async () => {
    const truth = await loadTruth('odd/vfr.mkv');
    const got = await offsets('odd/vfr.mkv', 60);
    expect(got.offsets).toEqual(truth.frameOffsets);
  });

  it('samples about fps frames a second, first frame first', async () => {
    const got = await offsets('cam-lobby/2023-08-01_11-00-00.mp4', 2);
    expect(got.offsets[0]).toBe(0);
    expect(got.offsets.length).toBeGreaterThanOrEqual(19);
    expect(got.offsets.length).toBeLessThanOrEqual(21);
    for (let i = 1; i < got.offsets.length; i++) {
      const gap = got.offsets[i]! - got.offsets[i - 1]!;
      expect(gap).toBeGreaterThan(0.4);
      expect(gap).toBeLessThan(0.6);
    }
  });

  it('applies rotation metadata: frames come out as a viewer sees them', async () => {
    const p = await probe(fixturePath('odd/rotated.mp4'));
    expect([p.width, p.height]).toEqual([360, 640]);
    const got = await offsets('odd/rotated.mp4', 1);
    expect(got.size).toBe('360x640');
  });

  it('fails a truncated file instead of indexing half of it', async () => {
    await expect(offsets('broken/truncated.mp4', 2)).rejects.toThrow(/truncated or damaged/);
  });

  it('gives the same pixels when frame buffers are recycled through a pool', async () => {
    const path = fixturePath('cam-street/ch01_20230801110500.mp4');
    const p = await probe(path);
    const opts = { fps: 2, maxWidth: 1920, width: p.width, height: p.height };
    const hashes = async (pool?: BufferPool): Promise<string[]> => {
      const out: string[] = [];
      for await (const f of sampleFrames(path, { ...opts, buffers: pool })) {
        out.push(createHash('sha256').update(f.data).digest('hex'));
        pool?.give(f.data); // done with it: the next frames may be written into it
      }
      return out;
    };
    const fresh = await hashes();
    const pool = new BufferPool(4);
    const taken: Buffer[] = [];
    const take = pool.take.bind(pool);
    pool.take = (bytes: number) => {
      const b = take(bytes);
      if (!taken.includes(b)) taken.push(b);
      return b;
    };
    const pooled = await hashes(pool);
    expect(fresh.length).toBeGreaterThan(10);
    expect(pooled).toEqual(fresh);
    // a handful of buffers served every frame
    expect(taken.length).toBeLessThanOrEqual(3);
  });
});
