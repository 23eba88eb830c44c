import { describe, expect, it } from 'vitest';
import {
  cameraFromFileName,
  parseFileNameTime,
  parseMetadataTime,
  parseStartOption,
  sanitizeCamera,
  wallClock,
} from '../../src/core/time.js';

describe('parseFileNameTime', () => {
  it.each([
    ['ch01_20230801110000.mp4', '2023-08-01T11:00:00.000Z'],
    ['2023-08-01_11-00-00.mkv', '2023-08-01T11:00:00.000Z'],
    ['cam3 2023-08-01T11:05:09.mp4', '2023-08-01T11:05:09.000Z'],
    ['NVR_ch2_main_20230801_235959.avi', '2023-08-01T23:59:59.000Z'],
    ['2023.08.01 07.30.15.mp4', '2023-08-01T07:30:15.000Z'],
  ])('reads %s', (name, iso) => {
    expect(parseFileNameTime(name)?.iso).toBe(iso);
  });

  it.each([
    'clip.mp4',
    'ch01_2023080111.mp4',
    '20230231110000.mp4',
    '20231301110000.mp4',
    '123420230801110000.mp4',
  ])('finds no time in %s', (name) => {
    expect(parseFileNameTime(name)).toBeNull();
  });
});

describe('parseMetadataTime', () => {
  it('trusts a plausible creation time', () => {
    expect(parseMetadataTime('2023-08-01T09:30:00.000000Z')).toBe('2023-08-01T09:30:00.000Z');
  });
  it('rejects the zero time and the future', () => {
    expect(parseMetadataTime('1970-01-01T00:00:00Z')).toBeNull();
    expect(parseMetadataTime('2999-01-01T00:00:00Z')).toBeNull();
    expect(parseMetadataTime('not a date')).toBeNull();
    expect(parseMetadataTime(null)).toBeNull();
  });
});

describe('parseStartOption', () => {
  it('takes a zone-less time as UTC and keeps an explicit zone', () => {
    expect(parseStartOption('2023-08-01T11:00:00')).toBe('2023-08-01T11:00:00.000Z');
    expect(parseStartOption('2023-08-01T11:00:00+02:00')).toBe('2023-08-01T09:00:00.000Z');
    expect(parseStartOption('yesterday')).toBeNull();
  });
});

describe('wallClock', () => {
  it('adds the offset to the start, to the millisecond', () => {
    expect(wallClock('2023-08-01T11:00:00.000Z', 12.4)).toBe('2023-08-01T11:00:12.400Z');
    expect(wallClock(null, 3)).toBeNull();
  });
});

describe('camera ids', () => {
  it('drops the time stamp and extension from a file name', () => {
    expect(cameraFromFileName('ch01_20230801110000.mp4')).toBe('ch01');
    expect(cameraFromFileName('2023-08-01_11-00-00.mkv')).toBe('2023-08-01_11-00-00');
    expect(cameraFromFileName('gate.mp4')).toBe('gate');
  });
  it('removes control characters and separators', () => {
    expect(sanitizeCamera('a/b\u001b[31m')).toBe('a_b_[31m');
  });
});
