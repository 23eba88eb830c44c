import { describe, expect, it } from 'vitest';
import { crossings, type Crossed } from '../../src/core/boundary.js';

const seen = (subject: string, camera: string, minute: number): Crossed => ({
  subject,
  camera,
  startTime: `2026-03-01T09:${String(minute).padStart(2, '0')}:00Z`,
  endTime: `2026-03-01T09:${String(minute).padStart(2, '0')}:05Z`,
});

describe('entering or leaving at boundary cameras', () => {
  const cameras = new Map([
    ['ring-n', { tags: ['boundary'] }],
    ['ring-s-in', { tags: ['boundary', 'entry'] }],
    ['ring-s-out', { tags: ['boundary', 'exit'] }],
    ['centre', { tags: [] }],
  ]);
  it('reads the direction from what the subject did inside, per subject', () => {
    const s = [
      seen('LE21ABC', 'ring-n', 0),
      seen('LE21ABC', 'centre', 10),
      seen('KX68TYP', 'centre', 5),
      seen('KX68TYP', 'ring-n', 20),
      seen('AB12CDE', 'ring-n', 30),
    ];
    expect(crossings(s, cameras)).toEqual(['entered', null, null, 'left', 'unknown']);
  });
  it("takes a camera's own direction from its entry or exit tag", () => {
    const s = [
      seen('LE21ABC', 'ring-s-in', 0),
      seen('LE21ABC', 'ring-s-out', 40),
      seen('LE21ABC', 'centre', 50),
    ];
    expect(crossings(s, cameras)).toEqual(['entered', 'left', null]);
  });
  it('says unknown when the subject was inside both before and after', () => {
    const s = [seen('LE21ABC', 'centre', 0), seen('LE21ABC', 'ring-n', 10), seen('LE21ABC', 'centre', 20)];
    expect(crossings(s, cameras)).toEqual([null, 'unknown', null]);
  });
});
