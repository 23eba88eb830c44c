/**
 * Recall of face search's vector index on a large store: `tsx scripts/eval-face-ann.ts <store>
 * [--queries 40] [--nprobes 20,40,80] [--refine 10,2]`.
 *
 * For query vectors taken from the store's own identifiable faces, compares the face rows at or
 * above the search threshold that the IVF-PQ index returns (as `search face` asks: 4,000 rows,
 * refined `--refine` times) with the exact answer (the index bypassed), per nprobes and refine
 * setting: recall of rows and of sightings (tracks), and milliseconds a query. Prints a table; writes
 * bench-out/search/face-ann.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { PROJECT_ROOT } from '../src/version.js';
import { DEFAULT_FACE_THRESHOLD } from '../src/ml/face/threshold.js';

const argv = process.argv.slice(2);
const dir = argv.find((a) => !a.startsWith('--'));
if (!dir) {
  process.stderr.write(
    'usage: tsx scripts/eval-face-ann.ts <store> [--queries 40] [--nprobes 20,40,80] [--refine 10,2]\n',
  );
  process.exit(2);
}
const opt = (name: string, d: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 ? (argv[i + 1] ?? d) : d;
};
const nQueries = Number(opt('--queries', '40'));
const probes = opt('--nprobes', '20,40,80').split(',').map(Number);
const refines = opt('--refine', '10').split(',').map(Number);
const CANDIDATES = 4000;

const db = await lancedb.connect(dir);
const faces = await db.openTable('faces');
const rows = await faces.countRows();
const stats = await faces.listIndices();
const sample = (await faces
  .query()
  .where('usable = 1')
  .select(['vector', 'track_id'])
  .limit(nQueries * 50)
  .toArray()) as Array<{ vector: ArrayLike<number>; track_id: string }>;
const queries = sample.filter((_, i) => i % 50 === 0).map((r) => Array.from(r.vector));

type Hit = { id: string; track_id: string; _distance: number };
const above = (hits: Hit[]): Hit[] => hits.filter((h) => 1 - h._distance >= DEFAULT_FACE_THRESHOLD);
const exact: Hit[][] = [];
let exactMs = 0;
for (const q of queries) {
  const t0 = performance.now();
  const hits = (await faces
    .vectorSearch(q)
    .distanceType('cosine')
    .bypassVectorIndex()
    .where('usable = 1')
    .limit(CANDIDATES)
    .select(['id', 'track_id', '_distance'])
    .toArray()) as Hit[];
  exactMs += performance.now() - t0;
  exact.push(above(hits));
}
const out: Array<Record<string, number>> = [];
for (const [nprobes, refine] of probes.flatMap((p) => refines.map((r) => [p, r] as const))) {
  let rowsFound = 0;
  let rowsAll = 0;
  let tracksFound = 0;
  let tracksAll = 0;
  let ms = 0;
  for (let k = 0; k < queries.length; k++) {
    const t0 = performance.now();
    const hits = (await faces
      .vectorSearch(queries[k] as number[])
      .distanceType('cosine')
      .nprobes(nprobes)
      .refineFactor(refine)
      .where('usable = 1')
      .limit(CANDIDATES)
      .select(['id', 'track_id', '_distance'])
      .toArray()) as Hit[];
    ms += performance.now() - t0;
    const got = new Set(above(hits).map((h) => h.id));
    const gotTracks = new Set(above(hits).map((h) => h.track_id));
    const want = exact[k] as Hit[];
    rowsAll += want.length;
    rowsFound += want.filter((h) => got.has(h.id)).length;
    const wantTracks = new Set(want.map((h) => h.track_id));
    tracksAll += wantTracks.size;
    tracksFound += [...wantTracks].filter((t) => gotTracks.has(t)).length;
  }
  out.push({
    nprobes,
    refine,
    rowRecall: rowsAll ? rowsFound / rowsAll : 1,
    trackRecall: tracksAll ? tracksFound / tracksAll : 1,
    msPerQuery: ms / queries.length,
  });
}
process.stdout.write(
  `faces: ${rows} rows, indexes: ${stats.map((s) => `${s.name} (${s.indexType})`).join(', ')}; ${queries.length} queries; exact: ${(exactMs / queries.length).toFixed(0)} ms a query\n\n| nprobes | refine | rows ≥ threshold found | sightings found | ms a query |\n|---|---|---|---|---|\n`,
);
for (const r of out) {
  process.stdout.write(
    `| ${r.nprobes} | ${r.refine} | ${((r.rowRecall ?? 0) * 100).toFixed(1)} % | ${((r.trackRecall ?? 0) * 100).toFixed(1)} % | ${(r.msPerQuery ?? 0).toFixed(0)} |\n`,
  );
}
await mkdir(join(PROJECT_ROOT, 'bench-out', 'search'), { recursive: true });
await writeFile(
  join(PROJECT_ROOT, 'bench-out', 'search', 'face-ann.json'),
  JSON.stringify(
    { rows, queries: queries.length, exactMsPerQuery: exactMs / queries.length, settings: out },
    null,
    2,
  ),
);
db.close();
