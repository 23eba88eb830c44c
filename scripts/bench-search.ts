/**
 * Search bench: `npm run bench -- --search [--sizes 10000,100000,1000000] [--seed-store <dir>]
 * [--baseline <checkout>] [--baseline-max <size>] [--timeout 600] [--max-rss-mb 8000]`.
 *
 * Grows one store step by step to each size (faces and plate readings alike) with the rows of
 * scripts/lib/grow-store.ts, runs the project's own maintenance (Store.maintain: the ANN and
 * scalar indexes) after each step, and queries it with the CLI as a user would: `search face`
 * with a query photo whose person is planted, `search plate` exact, partial and tolerant,
 * watchlists of 100 and 1,000 planted plates, and `search recurring`; each under /usr/bin/time
 * (wall seconds, peak RSS). With `--baseline`, an earlier build's CLI answers the same queries
 * right after, on the same store (killed past --timeout seconds or --max-rss-mb). Prints a table
 * a size and writes bench-out/search/bench-search.json.
 *
 * The seed (default): the sample footage of `npm run demo`, indexed once into
 * bench-out/search/seed; `--seed-store` takes another store (e.g. one of real CCTV).
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ensureGenerated, GENERATED_DIR } from '../fixtures/lib/ensure.js';
import { Store } from '../src/store/store.js';
import { PROJECT_ROOT } from '../src/version.js';
import { Grower, PLANTED_PLATE, readSeed, rng, type GrowState } from './lib/grow-store.js';
import { measured, type Run } from './lib/measure.js';

const argv = process.argv.slice(2).filter((a) => a !== '--search');
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const sizes = (opt('--sizes') ?? '10000,100000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0)
  .sort((a, b) => a - b);
const baseline = opt('--baseline');
// the earlier build only up to this size (it may take hours beyond)
const baselineMax = Number(opt('--baseline-max') ?? Infinity);
const timeoutS = Number(opt('--timeout') ?? 600);
const maxRssMb = Number(opt('--max-rss-mb') ?? 8000);
// --queries 'plate exact,search face': only these (by name; 'none' grows the store and stops)
const only = opt('--queries')
  ?.split(',')
  .map((q) => q.trim());
// --reuse-store: measure the store an earlier run grew (bench-out/search/store, the largest size
// given) after running maintenance on it again, instead of growing a new one
const reuse = argv.includes('--reuse-store');
const OUT = join(PROJECT_ROOT, 'bench-out', 'search');
const BIN = join(PROJECT_ROOT, 'bin', 'sightline.js');
if (baseline !== undefined && !existsSync(join(baseline, 'bin/sightline.js'))) {
  process.stderr.write(
    `--baseline ${baseline}: no bin/sightline.js there; give a checkout with dist/ built\n`,
  );
  process.exit(2);
}
await mkdir(OUT, { recursive: true });

// the seed: a real store
await ensureGenerated();
let seedDir = opt('--seed-store');
if (!seedDir) {
  seedDir = join(OUT, 'seed');
  if (!existsSync(join(seedDir, 'meta.lance'))) {
    const r = await measured(process.execPath, [
      BIN,
      'index',
      join(GENERATED_DIR, 'cam-lobby'),
      join(GENERATED_DIR, 'cam-street'),
      '--store',
      seedDir,
      '--json',
    ]);
    if (r.code !== 0) throw new Error('indexing the seed footage failed');
  }
}
const seedStore = await Store.open(seedDir, { create: false });
const seed = await readSeed(seedStore);
seedStore.close();
const photo = join(GENERATED_DIR, 'queries', 'person-a.jpg');

// the watchlist: 1,000 plates planted (each a track of its own), the first 100 a smaller list
const planter = new Grower(seed, { faces: 0, readings: 0, planted: [], plantedCopies: 0, seed: 77 });
const planted = [...new Set(Array.from({ length: 1200 }, () => planter.plate()))].slice(0, 1000);
await writeFile(join(OUT, 'watchlist-1000.txt'), planted.map((p) => `${p},wanted`).join('\n') + '\n');
await writeFile(
  join(OUT, 'watchlist-100.txt'),
  planted
    .slice(0, 100)
    .map((p) => `${p},wanted`)
    .join('\n') + '\n',
);
const r = rng(5);
const probe = planted[Math.floor(r() * planted.length)] as string;
const misread = planter.misread(probe);

const storeDir = join(OUT, 'store');
if (reuse && !existsSync(join(storeDir, 'meta.lance'))) {
  process.stderr.write(`--reuse-store: no store at ${storeDir}; run once without it\n`);
  process.exit(2);
}
if (!reuse) await rm(storeDir, { recursive: true, force: true });
const largest = sizes[sizes.length - 1] ?? 10000;
const grower = new Grower(seed, {
  faces: largest,
  readings: largest,
  planted,
  plantedCopies: 10,
  seed: 20,
});

interface Query {
  name: string;
  args: string[];
  /** What must be in the answer for the run to count as right. */
  check: (stdout: string) => string | null;
}

const plateFound = (plates: string[]) => (stdout: string) => {
  const results = parseResults(stdout);
  const missing = plates.filter(
    (p) => !results.some((x) => x.pattern === p && x.trackId?.startsWith(`${PLANTED_PLATE}${p}-`)),
  );
  return missing.length === 0
    ? null
    : `${missing.length} planted plate(s) not found (${missing.slice(0, 3).join(', ')})`;
};

const allQueries: Query[] = [
  {
    name: 'search face',
    args: ['search', 'face', photo],
    check: (stdout) =>
      parseResults(stdout).some((x) => x.trackId?.startsWith('planted-'))
        ? null
        : 'the planted person was not found',
  },
  { name: 'plate exact', args: ['search', 'plate', probe, '--exact'], check: plateFound([probe]) },
  {
    name: 'plate partial (*)',
    args: ['search', 'plate', `${probe.slice(0, 4)}*`],
    check: (s) => (parseResults(s).some((x) => x.text?.startsWith(probe.slice(0, 4))) ? null : 'no hit'),
  },
  {
    name: 'plate tolerant',
    args: ['search', 'plate', misread],
    check: (s) =>
      parseResults(s).some((x) => x.trackId?.startsWith(`${PLANTED_PLATE}${probe}-`))
        ? null
        : `${probe} not found as ${misread}`,
  },
  {
    name: 'watchlist 100',
    args: ['search', 'plate', '--watchlist', join(OUT, 'watchlist-100.txt'), '--limit', '5'],
    check: plateFound(planted.slice(0, 100)),
  },
  {
    name: 'watchlist 1000',
    args: ['search', 'plate', '--watchlist', join(OUT, 'watchlist-1000.txt'), '--limit', '5'],
    check: plateFound(planted),
  },
  { name: 'search recurring', args: ['search', 'recurring'], check: () => null },
];
const queries = allQueries.filter((q) => !only || only.includes(q.name));

function parseResults(stdout: string): Array<{ pattern?: string; text?: string; trackId?: string }> {
  try {
    const doc = JSON.parse(stdout) as {
      results?: Array<{ pattern?: string; text?: string; trackId?: string }>;
    };
    return doc.results ?? [];
  } catch {
    return [];
  }
}

interface Row {
  size: number;
  query: string;
  build: string;
  seconds: number;
  peakRssMb: number;
  code: number | null;
  killed?: string;
  results: number;
  problem: string | null;
}

const rows: Row[] = [];
const grownAt: Array<{ size: number; growSeconds: number; maintainSeconds: number }> = [];
let state: GrowState = { faces: 0, readings: 0, sources: 0, plantedPlates: 0, plantedFaceTracks: 0 };
for (const size of reuse ? [largest] : sizes) {
  const t0 = performance.now();
  const store = await Store.open(storeDir, { create: true });
  if (!reuse) {
    const step = new Grower(seed, { ...grower.planFor(size), seed: 20 + size });
    state = await step.grow(store, state, (s) => {
      if (process.stderr.isTTY)
        process.stderr.write(`\rgrowing: ${s.faces} faces, ${s.readings} readings   `);
    });
  }
  const grown = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await store.maintain();
  store.close();
  const maintained = (performance.now() - t1) / 1000;
  grownAt.push({ size, growSeconds: grown, maintainSeconds: maintained });
  process.stderr.write(
    `\n${size}: grown in ${grown.toFixed(0)} s, maintained in ${maintained.toFixed(0)} s\n`,
  );
  for (const q of queries) {
    for (const [build, bin] of [
      ['current', BIN],
      ...(baseline && size <= baselineMax ? [['baseline', join(baseline, 'bin/sightline.js')]] : []),
    ] as Array<[string, string]>) {
      const run: Run = await measured(
        process.execPath,
        [bin, ...q.args, '--store', storeDir, '--json'],
        process.env,
        {
          timeoutS,
          maxRssMb,
        },
      );
      const row: Row = {
        size,
        query: q.name,
        build,
        seconds: run.seconds,
        peakRssMb: run.peakRssMb,
        code: run.code,
        ...(run.killed ? { killed: run.killed } : {}),
        results: parseResults(run.stdout).length,
        problem: run.killed
          ? `killed (${run.killed})`
          : run.code !== 0
            ? `exit ${run.code}`
            : q.check(run.stdout),
      };
      rows.push(row);
      process.stderr.write(
        `  ${q.name} [${build}]: ${row.seconds.toFixed(1)} s, ${row.peakRssMb.toFixed(0)} MB${row.problem ? `, ${row.problem}` : ''}\n`,
      );
    }
  }
}

const cell = (x: Row | undefined): string =>
  !x
    ? ''
    : `${x.killed ? `killed (${x.killed}) after ` : ''}${x.seconds.toFixed(1)} s, ${(x.peakRssMb / 1024).toFixed(2)} GB${x.problem && !x.killed ? ` (${x.problem})` : ''}`;
process.stdout.write(
  `\nSearch bench (${cpus().length} cores), store grown to each size (faces = readings)\n`,
);
for (const size of reuse ? [largest] : sizes) {
  process.stdout.write(
    `\n| ${size.toLocaleString('en')} | current${baseline ? ' | baseline' : ''} |\n|---|---|${baseline ? '---|' : ''}\n`,
  );
  for (const q of queries) {
    const cur = rows.find((x) => x.size === size && x.query === q.name && x.build === 'current');
    const base = rows.find((x) => x.size === size && x.query === q.name && x.build === 'baseline');
    process.stdout.write(`| ${q.name} | ${cell(cur)} |${baseline ? ` ${cell(base)} |` : ''}\n`);
  }
}
await writeFile(
  join(OUT, 'bench-search.json'),
  JSON.stringify(
    { cores: cpus().length, baseline: baseline ?? null, grown: grownAt, probe, misread, rows },
    null,
    2,
  ),
);
process.stdout.write(`\nwrote ${join(OUT, 'bench-search.json')}\n`);
