import { describe, expect, it } from 'vitest';
import { cameraRegion, parseCsv, parseRegister, RegisterError } from '../../src/core/cameras.js';

const header = 'id,name,lat,lon,timezone,tags';

describe('camera register files', () => {
  it('reads CSV with quoted names, tags and an optional clock offset', () => {
    const cams = parseRegister(
      `${header},clock_offset\r\ngate-a,"Gate A, north",24.8607,67.0011,Asia/Karachi,boundary;entry,-12\r\ngate-b,,24.93,67.04,Asia/Karachi,,\r\n`,
    );
    expect(cams).toEqual([
      {
        id: 'gate-a',
        name: 'Gate A, north',
        lat: 24.8607,
        lon: 67.0011,
        timezone: 'Asia/Karachi',
        tags: ['boundary', 'entry'],
        clockOffset: -12,
      },
      {
        id: 'gate-b',
        name: 'gate-b',
        lat: 24.93,
        lon: 67.04,
        timezone: 'Asia/Karachi',
        tags: [],
        clockOffset: 0,
      },
    ]);
  });
  it('reads JSON, as an array or { cameras }', () => {
    const one = {
      id: 'c1',
      name: 'One',
      lat: 51.5,
      lon: -0.12,
      timezone: 'Europe/London',
      tags: ['boundary'],
    };
    expect(parseRegister(JSON.stringify([one]))[0]?.tags).toEqual(['boundary']);
    expect(parseRegister(JSON.stringify({ cameras: [one] }))[0]?.timezone).toBe('Europe/London');
  });
  it('names the row and column of the first bad value', () => {
    const bad = (text: string): RegisterError => {
      try {
        parseRegister(text);
      } catch (e) {
        if (e instanceof RegisterError) return e;
        throw e;
      }
      throw new Error('no error');
    };
    expect(bad(`${header}\na,A,24,67,Asia/Karachi,\nb,B,95,67,Asia/Karachi,`).message).toBe(
      'row 2, column lat: "95" is not a number from -90 to 90',
    );
    expect(bad(`${header}\na,A,24,67,Mars/Olympus,`)).toMatchObject({ row: 1, column: 'timezone' });
    expect(bad(`${header}\na,A,24,,Asia/Karachi,`)).toMatchObject({ row: 1, column: 'lon' });
    expect(bad(`${header}\na b,A,24,67,Asia/Karachi,`)).toMatchObject({ row: 1, column: 'id' });
    expect(bad(`${header}\na,A,24,67,Asia/Karachi,\na,A2,25,67,Asia/Karachi,`)).toMatchObject({
      row: 2,
      column: 'id',
    });
    expect(bad('id,name,lat,lon,tags\na,A,24,67,')).toMatchObject({ row: 0, column: 'timezone' });
    expect(bad(`${header}\na,A,24,67`)).toMatchObject({ row: 1 });
    expect(bad('[{"id":"a"}')).toMatchObject({ row: 0 });
  });
  it('splits CSV as RFC 4180 does', () => {
    expect(parseCsv('a,"b ""quoted"", and more",c\n\n"multi\nline",x,\n')).toEqual([
      ['a', 'b "quoted", and more', 'c'],
      ['multi\nline', 'x', ''],
    ]);
  });
  it('reads a plate region from a tag and refuses one it does not know', () => {
    const [cam] = parseRegister(`${header}\na,A,24,67,Europe/London,boundary;region:gb`);
    expect(cameraRegion(cam!)).toBe('gb');
    expect(cameraRegion(parseRegister(`${header}\na,A,24,67,Europe/London,boundary`)[0]!)).toBeNull();
    expect(() => parseRegister(`${header}\na,A,24,67,Europe/London,region=xx`)).toThrow(
      /row 1, column tags: "region=xx" names no plate region/,
    );
  });
});
