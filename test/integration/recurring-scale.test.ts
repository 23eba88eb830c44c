import { beforeAll, describe, expect, it } from 'vitest';
import { Grower, syntheticSeed } from '../../scripts/lib/grow-store.js';
import { findRecurring, type RecurringOptions } from '../../src/search/recurring.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';

/**
 * `search recurring` on a store too large to compare every pair: the pairs come from a neighbour
 * search over the sightings' descriptors. On a grown store (recurring people seen at several
 * cameras among people seen once) it lists the persons the exact method lists.
 */
describe('search recurring through a neighbour search', () => {
  const dir = tempDir();
  let store: Store;

  beforeAll(async () => {
    store = await Store.open(`${dir}/store`, { create: true });
    const grower = new Grower(syntheticSeed(128), {
      faces: 5000,
      readings: 0,
      planted: [],
      plantedCopies: 0,
      perSource: 500,
      seed: 8,
    });
    await grower.grow(store, { faces: 0, readings: 0, sources: 0, plantedPlates: 0, plantedFaceTracks: 0 });
  }, 120_000);

  it('lists the persons the comparison of every pair lists', async () => {
    const opts: RecurringOptions = { threshold: 0.72, minTracks: 2, minCameras: 2, limit: 1000 };
    const exact = await findRecurring(store, { ...opts, exactUpTo: Infinity });
    const near = await findRecurring(store, { ...opts, exactUpTo: 0 });
    expect(exact.tracksConsidered).toBeGreaterThan(300);
    expect(exact.persons.length).toBeGreaterThan(5);
    expect(near.tracksConsidered).toBe(exact.tracksConsidered);
    expect(near.persons).toEqual(exact.persons);
  }, 300_000);
});
