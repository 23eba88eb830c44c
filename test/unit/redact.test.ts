import { describe, expect, it } from 'vitest';
import { bystanders, grow } from '../../src/core/redact.js';

describe('which regions are bystanders', () => {
  it("keeps the subject's own detection and takes every other face (and plate, for a plate result)", () => {
    const faces: Array<[number, number, number, number]> = [
      [100, 100, 50, 60], // the subject: inside its evidence box
      [400, 120, 40, 50],
    ];
    const plates: Array<[number, number, number, number]> = [[600, 400, 80, 20]];
    const face = bystanders({ faces, plates: [] }, { kind: 'face', box: [95, 95, 60, 70] }, 1280, 720);
    expect(face).toEqual([{ kind: 'face', box: grow([400, 120, 40, 50], 1280, 720) }]);
    // a plate result: every face goes, and every plate but the subject's
    const plate = bystanders(
      { faces, plates: [...plates, [900, 500, 90, 22]] },
      { kind: 'plate', box: [598, 398, 84, 24] },
      1280,
      720,
    );
    expect(plate.map((r) => r.kind)).toEqual(['face', 'face', 'plate']);
  });
  it('grows a region by 30 % a side, clamped to the frame', () => {
    expect(grow([100, 100, 50, 100], 1280, 720)).toEqual([85, 70, 80, 160]);
    expect(grow([0, 0, 50, 50], 60, 60)).toEqual([0, 0, 60, 60]);
  });
});
