import { describe, expect, it } from 'vitest';
import { plateFlags, type PlateSighting } from '../../src/core/flags.js';

const seen = (
  text: string,
  camera: string,
  start: string,
  end: string,
  type: string | null = null,
  conf = -1,
): PlateSighting => ({
  trackId: `${text}@${camera}@${start}`,
  text,
  camera,
  startTime: start,
  endTime: end,
  vehicleType: type,
  vehicleConfidence: conf,
});

describe('plates that cannot be one vehicle', () => {
  const places = new Map([
    ['gate-a', { lat: 24.86, lon: 67.0 }],
    ['gate-b', { lat: 24.86 + 60 / 111.2, lon: 67.0 }],
  ]);
  it('flags a plate too fast between two cameras, and one at two cameras at once', () => {
    const flags = plateFlags(
      [
        seen('LE21ABC', 'gate-a', '2026-03-01T09:00:00Z', '2026-03-01T09:00:05Z'),
        seen('LE21ABC', 'gate-b', '2026-03-01T09:02:00Z', '2026-03-01T09:02:05Z'),
        seen('KX68TYP', 'gate-a', '2026-03-01T09:00:00Z', '2026-03-01T09:00:30Z'),
        seen('KX68TYP', 'gate-b', '2026-03-01T09:00:10Z', '2026-03-01T09:00:20Z'),
        seen('AB12CDE', 'gate-a', '2026-03-01T09:00:00Z', '2026-03-01T09:00:05Z'),
        seen('AB12CDE', 'gate-b', '2026-03-01T10:00:00Z', '2026-03-01T10:00:05Z'),
      ],
      places,
    );
    expect(flags.map((f) => [f.plate, f.kind])).toEqual([
      ['KX68TYP', 'simultaneous'],
      ['LE21ABC', 'speed'],
    ]);
    expect(flags[1]!.reason).toMatch(
      /LE21ABC at gate-a and gate-b: \d+ km\/h is over 200 km\/h \(60\.0 km in 115 s\)/,
    );
  });
  it('flags a plate on two vehicle types, when both were seen with some confidence', () => {
    const flags = plateFlags(
      [
        seen('LE21ABC', 'gate-a', '2026-03-01T09:00:00Z', '2026-03-01T09:00:05Z', 'car', 0.5),
        seen('LE21ABC', 'gate-a', '2026-03-02T09:00:00Z', '2026-03-02T09:00:05Z', 'motorcycle', 0.45),
        seen('KX68TYP', 'gate-a', '2026-03-01T09:00:00Z', '2026-03-01T09:00:05Z', 'car', 0.5),
        seen('KX68TYP', 'gate-a', '2026-03-02T09:00:00Z', '2026-03-02T09:00:05Z', 'truck', 0.1),
      ],
      places,
    );
    expect(flags.map((f) => [f.plate, f.kind, f.reason])).toEqual([
      ['LE21ABC', 'vehicle', 'LE21ABC seen on a car and on a motorcycle'],
    ]);
  });
  it('takes a look-alike slip as the same plate, named in its format, with what was read', () => {
    const flags = plateFlags(
      [
        seen('LSI5EBC', 'gate-a', '2026-03-01T09:00:00Z', '2026-03-01T09:00:05Z'),
        seen('LS15EBC', 'gate-b', '2026-03-01T09:01:00Z', '2026-03-01T09:01:05Z'),
      ],
      places,
    );
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ plate: 'LS15EBC', readings: ['LS15EBC', 'LSI5EBC'], kind: 'speed' });
    expect(flags[0]!.reason).toMatch(/^LS15EBC \(read as LSI5EBC\) at gate-a and gate-b/);
  });
  it("flags a reading that fits no format of its camera's region, once per camera", () => {
    const regions = new Map([['gate-a', 'gb']]);
    const flags = plateFlags(
      [
        seen('LE21ABC', 'gate-a', '2026-03-01T09:00:00Z', '2026-03-01T09:00:05Z'),
        seen('7XYZ123', 'gate-a', '2026-03-01T09:10:00Z', '2026-03-01T09:10:05Z'),
        seen('7XYZ123', 'gate-a', '2026-03-01T11:10:00Z', '2026-03-01T11:10:05Z'),
        seen('7XYZ123', 'gate-b', '2026-03-01T12:10:00Z', '2026-03-01T12:10:05Z'),
      ],
      places,
      200,
      regions,
    );
    expect(flags.map((f) => [f.plate, f.kind, f.sightings.length])).toEqual([['7XYZ123', 'format', 2]]);
    expect(flags[0]!.reason).toBe(
      '7XYZ123 at gate-a fits no gb plate format: a foreign, fake or misread plate',
    );
  });
});
