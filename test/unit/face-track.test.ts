import { describe, expect, it } from 'vitest';
import type { Box, FaceDetection } from '../../src/core/types.js';
import { linkFaceTracks, type FaceFrame } from '../../src/core/face-track.js';
import { l2normalize } from '../../src/core/vector.js';

function vec(seed: number): Float32Array {
  const v = new Float32Array(8);
  v[seed % 8] = 1;
  v[(seed + 3) % 8] = 0.2;
  return l2normalize(v);
}

function face(box: Box, person: number, overall = 0.5): FaceDetection {
  return {
    box,
    score: 0.9,
    landmarks: [],
    descriptor: vec(person),
    quality: { size: box[3], sharpness: 100, yaw: 0, pitch: 0, overall },
  };
}

function frame(seq: number, faces: FaceDetection[]): FaceFrame {
  return { seq, frame: seq * 5, offset: seq * 0.5, pts: seq * 0.5 + 1, faces };
}

describe('linkFaceTracks', () => {
  it('links one moving person across frames and picks the best detection', () => {
    const tracks = linkFaceTracks([
      frame(0, [face([100, 100, 50, 50], 1, 0.3)]),
      frame(1, [face([110, 100, 50, 50], 1, 0.9)]),
      frame(2, [face([120, 100, 50, 50], 1, 0.5)]),
    ]);
    expect(tracks).toHaveLength(1);
    const t = tracks[0]!;
    expect(t.detections).toHaveLength(3);
    expect(t.startOffset).toBe(0);
    expect(t.endOffset).toBe(1);
    expect(t.best.seq).toBe(1);
    expect(t.descriptor.length).toBe(8);
  });

  it('keeps two people apart even when they cross', () => {
    const tracks = linkFaceTracks([
      frame(0, [face([100, 100, 50, 50], 1), face([300, 100, 50, 50], 2)]),
      frame(1, [face([200, 100, 50, 50], 1), face([210, 100, 50, 50], 2)]),
      frame(2, [face([300, 100, 50, 50], 1), face([100, 100, 50, 50], 2)]),
    ]);
    expect(tracks).toHaveLength(2);
    for (const t of tracks) {
      const d0 = t.detections[0]!.face.descriptor;
      for (const d of t.detections) expect(d.face.descriptor).toEqual(d0);
      expect(t.detections).toHaveLength(3);
    }
  });

  it('bridges gaps up to maxGap and splits beyond it', () => {
    const f = (seq: number) => frame(seq, [face([100, 100, 50, 50], 1)]);
    expect(linkFaceTracks([f(0), f(3)], { maxGap: 2 })).toHaveLength(1);
    expect(linkFaceTracks([f(0), f(4)], { maxGap: 2 })).toHaveLength(2);
  });

  it('does not link a different person at the same place', () => {
    const tracks = linkFaceTracks([
      frame(0, [face([100, 100, 50, 50], 1)]),
      frame(1, [face([100, 100, 50, 50], 2)]),
    ]);
    expect(tracks).toHaveLength(2);
  });

  it('links the same person far away by embedding alone', () => {
    const tracks = linkFaceTracks([
      frame(0, [face([0, 0, 50, 50], 1)]),
      frame(1, [face([900, 500, 50, 50], 1)]),
    ]);
    expect(tracks).toHaveLength(1);
  });

  it('empty input gives no tracks; track ids follow first appearance', () => {
    expect(linkFaceTracks([])).toEqual([]);
    const tracks = linkFaceTracks([
      frame(0, [face([0, 0, 50, 50], 1)]),
      frame(1, [face([500, 0, 50, 50], 2)]),
    ]);
    expect(tracks.map((t) => t.id)).toEqual([0, 1]);
    expect(tracks[1]!.startOffset).toBe(0.5);
  });

  // face-api descriptors are not centred: strangers often score 0.8-0.9. Vectors at a chosen cosine:
  const at = (c: number): Float32Array => Float32Array.from([c, Math.sqrt(1 - c * c), 0, 0, 0, 0, 0, 0]);
  const withVec = (box: Box, v: Float32Array): FaceDetection => ({ ...face(box, 0), descriptor: v });

  it("does not merge a stranger (cosine 0.84) who takes a person's place", () => {
    const tracks = linkFaceTracks([
      frame(0, [withVec([100, 100, 60, 60], at(1))]),
      frame(1, [withVec([110, 100, 60, 60], at(0.84))]),
    ]);
    expect(tracks).toHaveLength(2);
  });

  it('links a walking person whose boxes no longer overlap between samples', () => {
    const tracks = linkFaceTracks([
      frame(0, [withVec([100, 100, 60, 60], at(1))]),
      frame(1, [withVec([180, 100, 60, 60], at(0.91))]),
    ]);
    expect(tracks).toHaveLength(1);
  });

  it('does not link a face half the size at that place: someone else, further away', () => {
    const tracks = linkFaceTracks([
      frame(0, [withVec([100, 100, 120, 160], at(1))]),
      frame(1, [withVec([130, 120, 60, 80], at(0.91))]),
    ]);
    expect(tracks).toHaveLength(2);
  });
});
