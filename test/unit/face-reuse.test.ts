import { describe, expect, it } from 'vitest';
import type { Box } from '../../src/core/types.js';
import { searchFaces } from '../../src/search/faces.js';
import type { Store } from '../../src/store/store.js';
import { matchReuse, newReuseState, REUSED_MODEL_SUFFIX, type ReuseEntry } from '../../src/ml/face/reuse.js';

const entry = (box: Box, embeddedAt = 0, bestOverall = 0.5): ReuseEntry => ({
  box,
  descriptor: new Float32Array([1, 0]),
  yaw: 0,
  pitch: 0,
  bestOverall,
  embeddedAt,
  embedded: 3,
  vx: 0,
  vy: 0,
});

describe('matchReuse (descriptor reuse inside a track)', () => {
  const state = () => ({ ...newReuseState('s'), offset: 0.5, faces: [entry([100, 100, 80, 100])] });
  const q = () => 0.5;

  it('reuses a face in the same place and size of the previous analysed frame', () => {
    const m = matchReuse(state(), 1, [[104, 100, 80, 100]], q);
    expect(m[0]?.reuse).toBe(true);
  });

  it('embeds again when the face moved, changed size, aged, got better, or frames were skipped', () => {
    expect(matchReuse(state(), 1, [[160, 100, 80, 100]], q)[0]?.reuse).toBe(false); // moved: IoU < 0.5
    expect(matchReuse(state(), 1, [[300, 100, 80, 100]], q)[0]).toBeUndefined(); // far: not the same
    expect(matchReuse(state(), 1, [[100, 100, 110, 140]], q)[0]).toBeUndefined(); // 1.4x larger
    expect(matchReuse({ ...state(), offset: 1.5 }, 2, [[100, 100, 80, 100]], q)[0]?.reuse).toBe(false); // 2 s old
    expect(matchReuse(state(), 1, [[100, 100, 80, 100]], () => 0.7)[0]?.reuse).toBe(false); // better
    expect(matchReuse(state(), 1.6, [[100, 100, 80, 100]], q)[0]).toBeUndefined(); // gap > 1 s
  });

  it('a walking face: matched where its last velocity puts it', () => {
    const s = { ...state(), faces: [{ ...entry([100, 100, 80, 100]), vx: 100 }] };
    expect(matchReuse(s, 1, [[150, 100, 80, 100]], q)[0]?.reuse).toBe(true); // moved 50 px as predicted
    expect(matchReuse(state(), 1, [[150, 100, 80, 100]], q)[0]?.reuse).toBe(false); // linked, not reused
  });

  it('no reuse before the chain has computed three descriptors (search scores the top 3)', () => {
    const s = { ...state(), faces: [{ ...entry([100, 100, 80, 100]), embedded: 2 }] };
    expect(matchReuse(s, 1, [[100, 100, 80, 100]], q)[0]?.reuse).toBe(false);
  });

  it('a previous face continues at most one new face (the one overlapping most)', () => {
    const m = matchReuse(
      state(),
      1,
      [
        [120, 100, 80, 100],
        [102, 100, 80, 100],
      ],
      q,
    );
    expect(m[0]).toBeUndefined();
    expect(m[1]?.reuse).toBe(true);
  });

  it('nothing is reused before the first frame of a source', () => {
    expect(matchReuse(newReuseState('s'), 0, [[100, 100, 80, 100]], q)[0]).toBeUndefined();
  });
});

describe('searchFaces ignores reused-descriptor rows', () => {
  it('scores and shows evidence only from faces that were embedded', async () => {
    const row = (id: string, sim: number, offset: number, model: string) => ({
      id,
      source_id: 'src-a',
      source_sha256: 'a'.repeat(64),
      camera: 'cam',
      track_id: 't',
      offset,
      pts: offset,
      box_x: 0,
      box_y: 0,
      box_w: 10,
      box_h: 10,
      quality: 1,
      model_id: model,
      _distance: 1 - sim,
    });
    const rows = [row('r', 0.99, 5, `m${REUSED_MODEL_SUFFIX}`), row('e', 0.95, 1, 'm')];
    const store = {
      nearestFaces: () => Promise.resolve(rows),
      tracks: () =>
        Promise.resolve([
          {
            id: 't',
            kind: 'face',
            source_id: 'src-a',
            source_sha256: 'a'.repeat(64),
            camera: 'cam',
            start_offset: 0,
            end_offset: 5,
            best_offset: 0,
            best_pts: 0,
            best_x: 0,
            best_y: 0,
            best_w: 10,
            best_h: 10,
            frame_w: 100,
            frame_h: 100,
            detections: 2,
            text: null,
            score: 1,
            model_id: 'm',
            thumb: null,
          },
        ]),
      getSource: () =>
        Promise.resolve({ sha256: 'a'.repeat(64), path: '/v.mp4', status: 'complete', start_time: null }),
    } as unknown as Store;
    for (const scoring of ['best', 'top3'] as const) {
      const r = await searchFaces(
        store,
        { vector: new Float32Array([1, 0]) },
        { threshold: 0.9, limit: 5, scoring },
      );
      expect(r).toHaveLength(1);
      expect(r[0]!.score).toBeCloseTo(0.95, 6);
    }
  });
});
