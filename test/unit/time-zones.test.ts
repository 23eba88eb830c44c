import { describe, expect, it } from 'vitest';
import { parseFileNameTime, zonedToUtc, zoneOffsetMs } from '../../src/core/time.js';
import { resolveStart } from '../../src/pipeline/index-run.js';

describe('camera time zones', () => {
  it('read a file-name stamp in the camera zone', () => {
    // Karachi is UTC+5 all year
    expect(parseFileNameTime('gate-a_2026-03-01_14-05-00.mp4', 'Asia/Karachi')?.iso).toBe(
      '2026-03-01T09:05:00.000Z',
    );
    expect(parseFileNameTime('gate-a_2026-03-01_14-05-00.mp4')?.iso).toBe('2026-03-01T14:05:00.000Z');
  });
  it('follow daylight saving (London: GMT in winter, BST in summer)', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15, 12), 'Europe/London')).toBe(0);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12), 'Europe/London')).toBe(3600_000);
    expect(new Date(zonedToUtc(Date.UTC(2026, 6, 15, 12), 'Europe/London')).toISOString()).toBe(
      '2026-07-15T11:00:00.000Z',
    );
    // 01:30 on the night clocks go forward does not exist: the instant after the gap
    expect(new Date(zonedToUtc(Date.UTC(2026, 2, 29, 1, 30), 'Europe/London')).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });
  it('take a time that occurs twice (clocks going back) at its first occurrence', () => {
    expect(new Date(zonedToUtc(Date.UTC(2026, 9, 25, 1, 30), 'Europe/London')).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });
  it('correct a camera clock that runs ahead, but not a start the investigator gave', () => {
    const cam = { timezone: 'Asia/Karachi', clockOffset: 90 };
    expect(resolveStart(null, 'ch01_20260301140500.mp4', undefined, cam)).toEqual({
      startTime: '2026-03-01T09:03:30.000Z',
      startTimeSource: 'filename',
    });
    expect(resolveStart(null, 'clip.mp4', '2026-03-01T09:00:00.000Z', cam).startTime).toBe(
      '2026-03-01T09:00:00.000Z',
    );
  });
  it("reads a --start without a zone in the camera's time zone, UTC for a camera not registered", () => {
    const cam = { timezone: 'Asia/Karachi', clockOffset: 90 };
    expect(resolveStart(null, 'clip.mp4', '2026-03-01 14:00', cam).startTime).toBe(
      '2026-03-01T09:00:00.000Z',
    );
    expect(resolveStart(null, 'clip.mp4', '2026-03-01T14:00:00', undefined).startTime).toBe(
      '2026-03-01T14:00:00.000Z',
    );
  });
});
