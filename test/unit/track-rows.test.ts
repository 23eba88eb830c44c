import { describe, expect, it } from 'vitest';
import type { PlateReading, SourceInfo } from '../../src/core/types.js';
import { coverAll, toTrackRows } from '../../src/pipeline/process-source.js';
import type { Observed } from '../../src/pipeline/stages.js';

const info: SourceInfo = {
  id: 'src-1',
  path: '/f.mp4',
  sha256: 'a'.repeat(64),
  size: 1,
  camera: 'gate',
  startTime: null,
  startTimeSource: 'none',
  duration: 10,
  fps: 25,
  width: 1280,
  height: 720,
  codec: 'h264',
  rotation: 0,
  firstPts: 0,
};

const reading = (text: string, offset: number): Observed<PlateReading> => ({
  det: { box: [10, 10, 100, 30], raw: text, text, confidence: 0.9, charConfidences: [], alternatives: [] },
  offset,
  pts: offset,
  sample: offset * 2,
});

describe('sighting rows', () => {
  it('a plate reading no track took becomes a sighting carrying its own text', () => {
    const obs = [reading('LE21ABC', 0), reading('LE21ABC', 0.5), reading('KX68TYP', 6)];
    const tracks = coverAll(
      [{ members: [0, 1], best: 1, text: 'LE21ABC', score: 0.9 }],
      obs,
      (d) => d.confidence,
    );
    const ids = ['t1', 't1', 't2'];
    const rows = toTrackRows(
      'plate',
      tracks,
      obs,
      ids,
      info,
      'ocr',
      (d) => d.crop,
      (d) => d.text,
    );
    expect(rows.map((r) => [r.id, r.text, r.start_offset, r.end_offset, r.detections])).toEqual([
      ['t1', 'LE21ABC', 0, 0.5, 2],
      ['t2', 'KX68TYP', 6, 6, 1],
    ]);
  });
});
