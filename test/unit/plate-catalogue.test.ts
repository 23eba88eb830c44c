import { describe, expect, it } from 'vitest';
import {
  decodePlateCatalogue,
  encodePlateCatalogue,
  PlateCatalogue,
  plateCatalogueMeta,
  type PlateTextColumns,
} from '../../src/core/plate-catalogue.js';
import { seededRandom } from '../../src/core/random.js';

/** Tracks with settled texts (some none), readings of them and misreads, in a shuffled store order. */
function columns(n: number, seed: number): PlateTextColumns {
  const r = seededRandom(seed);
  const sym = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
  const plate = (): string => Array.from({ length: 7 }, () => sym[Math.floor(r() * sym.length)]).join('');
  const ids: string[] = [];
  const texts: Array<string | null> = [];
  const scores: number[] = [];
  const readTexts: Array<string | null> = [];
  const readTracks: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `src-${Math.floor(i / 50)}:plate-${i}-é`; // ids are not always ASCII
    const t = plate();
    ids.push(id);
    texts.push(r() < 0.1 ? null : r() < 0.05 ? t.toLowerCase() : t);
    scores.push(Math.round(r() * 100) / 100);
    const reads = Math.floor(r() * 4); // some tracks have no reading
    for (let k = 0; k < reads; k++) {
      readTexts.push(r() < 0.3 ? `${t.slice(0, 3)}${plate().slice(3)}` : r() < 0.05 ? null : t);
      readTracks.push(id);
    }
  }
  return { tracks: { ids, texts, scores }, readings: { texts: readTexts, trackIds: readTracks } };
}

describe('PlateCatalogue saved and read back', () => {
  const cols = columns(2000, 5);
  const built = PlateCatalogue.of(cols);
  const bytes = encodePlateCatalogue(built, { tracksVersion: 7, platesVersion: 9 });
  const patterns = [
    ...cols.tracks.texts.slice(0, 40).flatMap((t) => (t ? [t, `${t.slice(0, 3)}*`, `*${t.slice(-2)}`] : [])),
    'A',
    '*',
    'Z?Z',
  ];

  it('ranks every pattern as the catalogue it was made from, tolerant and exact', () => {
    const read = decodePlateCatalogue(bytes);
    expect(read.tracks).toBe(built.tracks);
    for (const exact of [false, true]) {
      for (const p of patterns) {
        const want = built.rank(p, exact).map((row) => built.trackIds.get(row));
        expect(read.rank(p, exact).map((row) => read.trackIds.get(row))).toEqual(want);
      }
    }
    expect(patterns.some((p) => built.rank(p, false).length > 1)).toBe(true);
  });

  it('reads from bytes that do not start on an 8-byte boundary (a slice of a larger buffer)', () => {
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    const read = decodePlateCatalogue(shifted.subarray(3));
    expect(read.rank(patterns[0] as string, false)).toEqual(built.rank(patterns[0] as string, false));
  });

  it('keeps the versions it was written with in its header', () => {
    expect(plateCatalogueMeta(bytes)).toEqual({ tracksVersion: 7, platesVersion: 9 });
  });

  it('refuses truncated or foreign bytes with an error rather than wrong answers', () => {
    expect(() => decodePlateCatalogue(bytes.subarray(0, bytes.byteLength - 100))).toThrow(/truncated/);
    expect(() => decodePlateCatalogue(new TextEncoder().encode('\u0002\u0000\u0000\u0000{}'))).toThrow(
      /not sightline-plate-catalogue/,
    );
    expect(() => decodePlateCatalogue(new Uint8Array(2))).toThrow(/truncated/);
  });

  it('an empty store makes an empty catalogue that matches nothing', () => {
    const empty = PlateCatalogue.of({
      tracks: { ids: [], texts: [], scores: [] },
      readings: { texts: [], trackIds: [] },
    });
    const read = decodePlateCatalogue(encodePlateCatalogue(empty, {}));
    expect(read.rank('AB12CDE', false)).toEqual([]);
    expect(read.rank('*', false)).toEqual([]);
  });
});
