import { describe, expect, it } from 'vitest';
import { l2normalize } from '../../src/core/vector.js';
import { searchFaces, type TrackScoring } from '../../src/search/faces.js';
import type { Store } from '../../src/store/store.js';

/** A store stand-in: face rows with given similarities to the query [1, 0]. */
function fakeStore(faces: Array<{ track: string; sim: number }>): Store {
  const vec = (sim: number): number[] =>
    Array.from(l2normalize([sim, Math.sqrt(Math.max(0, 1 - sim * sim))]));
  const rows = faces.map((f, i) => ({
    id: `f${i}`,
    source_id: 'src-a',
    source_sha256: 'a'.repeat(64),
    camera: 'cam',
    track_id: f.track,
    offset: i,
    pts: i,
    box_x: 0,
    box_y: 0,
    box_w: 10,
    box_h: 10,
    quality: 1,
    _distance: 1 - f.sim,
  }));
  const tracks = [...new Set(faces.map((f) => f.track))].map((id) => ({
    id,
    kind: 'face',
    source_id: 'src-a',
    source_sha256: 'a'.repeat(64),
    camera: 'cam',
    start_offset: 0,
    end_offset: 1,
    best_offset: 0,
    best_pts: 0,
    best_x: 0,
    best_y: 0,
    best_w: 10,
    best_h: 10,
    frame_w: 100,
    frame_h: 100,
    detections: 1,
    text: null,
    score: 1,
    model_id: 'm',
    thumb: null,
  }));
  const store = {
    nearestFaces: () => Promise.resolve([...rows].sort((a, b) => a._distance - b._distance)),
    tracks: () => Promise.resolve(tracks),
    getSource: () =>
      Promise.resolve({ sha256: 'a'.repeat(64), path: '/v.mp4', status: 'complete', start_time: null }),
    faceVectorsOfTracks: () =>
      Promise.resolve(faces.map((f) => ({ track_id: f.track, vector: vec(f.sim), quality: 1 }))),
  };
  return store as unknown as Store;
}

const query = new Float32Array([1, 0]);
const search = (store: Store, scoring: TrackScoring, threshold = 0.9) =>
  searchFaces(store, { vector: query }, { threshold, limit: 10, scoring });

describe('searchFaces track scoring', () => {
  // track "spike": one lucky face, the rest poor; track "steady": consistently good
  const store = fakeStore([
    { track: 'spike', sim: 0.97 },
    { track: 'spike', sim: 0.8 },
    { track: 'spike', sim: 0.8 },
    { track: 'steady', sim: 0.95 },
    { track: 'steady', sim: 0.94 },
    { track: 'steady', sim: 0.94 },
  ]);

  it('best: a track scores its best face', async () => {
    const r = await search(store, 'best');
    expect(r.map((x) => [x.trackId, x.score])).toEqual([
      ['spike', 0.97],
      ['steady', 0.95],
    ]);
  });

  it('top3: the mean of the three best faces; a single lucky face no longer passes', async () => {
    const r = await search(store, 'top3');
    expect(r.map((x) => x.trackId)).toEqual(['steady']);
    expect(r[0]?.score).toBeCloseTo((0.95 + 0.94 + 0.94) / 3, 4);
    // evidence stays the best face of the track
    expect(r[0]?.evidence.offset).toBe(3);
  });

  it('fused: similarity to the track mean descriptor; threshold applies to it', async () => {
    const r = await search(store, 'fused', -1);
    expect(r.map((x) => x.trackId)).toEqual(['steady', 'spike']);
    expect(r[1]?.score).toBeLessThan(0.9);
  });
});

describe('searchFaces default scoring', () => {
  it('is top3: a look-alike with one lucky frame is not returned at the threshold', async () => {
    const store = fakeStore([
      { track: 'lookalike', sim: 0.93 },
      { track: 'lookalike', sim: 0.9 },
      { track: 'lookalike', sim: 0.88 },
      { track: 'short', sim: 0.95 },
    ]);
    const r = await searchFaces(store, { vector: query }, { threshold: 0.92, limit: 10 });
    // a one-face track scores its one face
    expect(r.map((x) => [x.trackId, x.score])).toEqual([['short', 0.95]]);
  });
});
