import { beforeAll, describe, expect, it } from 'vitest';
import { Grower, rng, syntheticSeed, type GrowState } from '../../scripts/lib/grow-store.js';
import { searchPlates, type PlatePattern, type PlateSearchOptions } from '../../src/search/plates.js';
import { Store } from '../../src/store/store.js';
import { searchPlatesByScan } from '../helpers/plate-search-scan.js';
import { tempDir } from '../helpers/temp.js';

/**
 * The indexed plate search lists exactly what the scan of every reading listed (0.5.0's search,
 * kept in test/helpers as the reference): same sightings, same order, same scores and evidence,
 * for whole, misread, partial and wildcard patterns, exact and tolerant, with filters.
 */
describe('plate search through the text index', () => {
  const dir = tempDir();
  let store: Store;
  const planted: string[] = [];
  let grower: Grower;
  let sources: string[] = [];
  let grown: GrowState;

  beforeAll(async () => {
    grower = new Grower(syntheticSeed(), {
      faces: 0,
      readings: 6000,
      planted: [],
      plantedCopies: 0,
      perSource: 1000,
      seed: 3,
    });
    for (let i = 0; i < 40; i++) planted.push(grower.plate());
    grower = new Grower(syntheticSeed(), {
      faces: 0,
      readings: 6000,
      planted,
      plantedCopies: 0,
      perSource: 1000,
      seed: 3,
    });
    store = await Store.open(`${dir}/store`, { create: true });
    grown = await grower.grow(store, {
      faces: 0,
      readings: 0,
      sources: 0,
      plantedPlates: 0,
      plantedFaceTracks: 0,
    });
    sources = (await store.listSources()).map((s) => s.id);
  }, 120_000);

  function patterns(): PlatePattern[] {
    const r = rng(9);
    const out: PlatePattern[] = [];
    for (const p of planted.slice(0, 25)) {
      const cut = 1 + Math.floor(r() * 3);
      out.push(
        { pattern: p, label: `wanted ${p}` },
        { pattern: grower.misread(p) },
        { pattern: p.slice(cut, cut + 4) },
        { pattern: `${p.slice(0, 3)}*` },
        { pattern: `${p.slice(0, 2)}?${p.slice(3)}` },
        { pattern: `*${p.slice(-3)}` },
      );
    }
    out.push({ pattern: 'ZZ' }, { pattern: '1*' });
    return out;
  }

  const cases: Array<[string, Partial<PlateSearchOptions>]> = [
    ['tolerant', {}],
    ['exact', { exact: true }],
    ['one camera', { window: { cameras: ['cam-002'] } }],
    ['a time window', { window: { from: { kind: 'utc', ms: Date.parse('2026-11-30T00:05:00Z') } } }],
    ['limit 3', { limit: 3 }],
  ];

  for (const [name, extra] of cases) {
    it(`lists what the scan lists: ${name}`, async () => {
      const opts: PlateSearchOptions = { exact: false, limit: 50, ...extra };
      const list = patterns();
      const indexed = await searchPlates(store, list, opts);
      const scanned = await searchPlatesByScan(store, list, opts);
      expect(indexed.length).toBeGreaterThan(0);
      expect(indexed).toEqual(scanned);
    });
  }

  it('lists what the scan lists for the sources of a sweep', async () => {
    const opts: PlateSearchOptions = { exact: false, limit: 20, window: { sources: sources.slice(1, 3) } };
    const list = patterns();
    expect(await searchPlates(store, list, opts)).toEqual(await searchPlatesByScan(store, list, opts));
  });

  it('before maintenance there is no saved catalogue (search read the columns above)', async () => {
    expect(await store.savedPlateCatalogue()).toBeNull();
  });

  // maintenance saves the catalogue: unfiltered searches read it instead of the columns
  for (const [name, extra] of cases.filter(([, o]) => !o.window)) {
    it(`lists what the scan lists from the catalogue maintenance saved: ${name}`, async () => {
      await store.maintain();
      expect(await store.savedPlateCatalogue()).not.toBeNull();
      const opts: PlateSearchOptions = { exact: false, limit: 50, ...extra };
      const list = patterns();
      const indexed = await searchPlates(store, list, opts);
      expect(indexed.length).toBeGreaterThan(0);
      expect(indexed).toEqual(await searchPlatesByScan(store, list, opts));
    });
  }

  it('a store written since maintenance is searched through its columns, with the new rows', async () => {
    await store.maintain();
    const late = 'LATE123';
    const more = new Grower(syntheticSeed(), {
      faces: 0,
      readings: grown.readings + 1000,
      planted: [...planted, late],
      plantedCopies: 0,
      perSource: 1000,
      seed: 4,
    });
    grown = await more.grow(store, grown);
    expect(await store.savedPlateCatalogue()).toBeNull();
    const list = [{ pattern: late }, ...patterns()];
    const opts: PlateSearchOptions = { exact: false, limit: 20 };
    const hits = await searchPlates(store, list, opts);
    expect(hits.some((h) => h.pattern === late && h.text === late)).toBe(true);
    expect(hits).toEqual(await searchPlatesByScan(store, list, opts));
  });

  it('finds every planted plate with a watchlist of them, one result set in one pass', async () => {
    const list = planted.map((p) => ({ pattern: p, label: p }));
    const hits = await searchPlates(store, list, { exact: false, limit: 10 });
    for (const p of planted) expect(hits.some((h) => h.pattern === p && h.text === p)).toBe(true);
  });
});
