/**
 * The reference recogniser (face-api 128-d) end to end, and the rule that one store holds one
 * recogniser's vectors.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SearchDocument } from '../../src/core/types.js';
import { sightline, userLines } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

describe('face recogniser per store', () => {
  const root = tempDir();
  const store = join(root, 'store');
  const lobby = fixturePath('cam-lobby');

  it('indexes with face-api and searches with the same recogniser, at its own threshold', async () => {
    const r = await sightline([
      'index',
      lobby,
      '--store',
      store,
      '--fps',
      '1',
      '--no-plates',
      '--face-recognizer',
      'face-api',
    ]);
    expect(r.code).toBe(0);
    const s = await sightline([
      'search',
      'face',
      fixturePath('queries/person-a.jpg'),
      '--store',
      store,
      '--json',
    ]);
    expect(s.code).toBe(0);
    const doc = JSON.parse(s.stdout) as SearchDocument;
    expect(doc.query.model).toMatch(/\+face-api\/face_recognition$/);
    expect(doc.results.length).toBeGreaterThan(0);
    for (const res of doc.results) expect(res.score).toBeGreaterThanOrEqual(0.9);
  });

  it('refuses to add another recogniser’s vectors to that store: exit 2, one line with the fix', async () => {
    const r = await sightline(['index', fixturePath('cam-small-faces'), '--store', store, '--no-plates']);
    expect(r.code).toBe(2);
    const lines = userLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /holds face-api face vectors: index with --face-recognizer face-api, or into a new --store/,
    );
  });
});
