import { describe, expect, it } from 'vitest';
import { buildTrail, distanceKm } from '../../src/core/trail.js';
import type { SearchResult } from '../../src/core/types.js';

const sighting = (camera: string, start: string, end: string): SearchResult => ({
  kind: 'plate',
  camera,
  source: { path: `${camera}.mp4`, sha256: camera },
  startOffset: 0,
  endOffset: (Date.parse(end) - Date.parse(start)) / 1000,
  startTime: start,
  endTime: end,
  score: 1,
  evidence: { offset: 0, box: [0, 0, 1, 1] },
});

describe('distances', () => {
  it('are great-circle kilometres', () => {
    // one degree of latitude is about 111.2 km anywhere
    expect(distanceKm(24, 67, 25, 67)).toBeCloseTo(111.2, 0);
    expect(distanceKm(51.5074, -0.1278, 48.8566, 2.3522)).toBeCloseTo(343.9, 0); // London-Paris
  });
});

describe('a trail', () => {
  const places = new Map([
    ['gate-a', { lat: 24.8607, lon: 67.0011 }],
    ['gate-b', { lat: 24.8607 + 8 / 111.2, lon: 67.0011 }],
    ['gate-c', { lat: 24.8607 + 68 / 111.2, lon: 67.0011 }],
  ]);
  it('orders sightings by time and gives each leg its distance, time and speed', () => {
    const t = buildTrail(
      [
        sighting('gate-c', '2026-03-01T09:12:00Z', '2026-03-01T09:12:05Z'),
        sighting('gate-a', '2026-03-01T08:59:55Z', '2026-03-01T09:00:00Z'),
        sighting('gate-b', '2026-03-01T09:10:00Z', '2026-03-01T09:10:05Z'),
      ],
      places,
    );
    expect(t.results.map((r) => r.camera)).toEqual(['gate-a', 'gate-b', 'gate-c']);
    expect(t.legs).toHaveLength(2);
    const [ab, bc] = t.legs;
    expect(ab).toMatchObject({ fromCamera: 'gate-a', toCamera: 'gate-b', seconds: 600, implausible: false });
    expect(ab!.distanceKm).toBeCloseTo(8, 1);
    expect(ab!.speedKmh).toBeCloseTo(48, 0);
    expect(bc).toMatchObject({ fromCamera: 'gate-b', toCamera: 'gate-c', implausible: true });
    expect(bc!.speedKmh).toBeGreaterThan(1700);
    expect(bc!.reason).toMatch(/over 200 km\/h/);
  });
  it('marks two places at once, joins no leg within one camera, and leaves out sightings without a time', () => {
    const t = buildTrail(
      [
        sighting('gate-a', '2026-03-01T09:00:00Z', '2026-03-01T09:00:30Z'),
        sighting('gate-a', '2026-03-01T09:01:00Z', '2026-03-01T09:01:05Z'),
        sighting('gate-b', '2026-03-01T09:01:02Z', '2026-03-01T09:01:10Z'),
        {
          ...sighting('lobby', '2026-03-01T09:00:00Z', '2026-03-01T09:00:01Z'),
          startTime: null,
          endTime: null,
        },
      ],
      places,
    );
    expect(t.unplaced).toBe(1);
    expect(t.legs).toHaveLength(1);
    expect(t.legs[0]).toMatchObject({ fromCamera: 'gate-a', toCamera: 'gate-b', implausible: true });
    expect(t.legs[0]!.reason).toMatch(/same time/);
  });
  it('has no distance or speed for a camera the register does not place', () => {
    const t = buildTrail(
      [
        sighting('gate-a', '2026-03-01T09:00:00Z', '2026-03-01T09:00:05Z'),
        sighting('yard', '2026-03-01T09:05:00Z', '2026-03-01T09:05:05Z'),
      ],
      places,
    );
    expect(t.legs[0]).toMatchObject({ distanceKm: null, speedKmh: null, implausible: false });
  });
});
