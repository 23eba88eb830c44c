/**
 * LanceDB with several writers on one local store: `npm run bench -- --writers [--processes 4]
 * [--rounds 20]`.
 *
 * What the queue's design rests on, measured: P processes write one table at once, each round
 * either appending a source's rows or replacing them (delete the source's rows, then append: what
 * a redone job or a re-index does), without any lock of ours, and then again taking turns through
 * the store's lock file (store/lock.ts). Counts what each writer saw fail, and checks the table at
 * the end: rows per source as the writers meant them (no lost append, no duplicate from a
 * replace). Prints a table; writes bench-out/writers/bench-writers.json.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { WriteLock } from '../src/store/lock.js';
import { PROJECT_ROOT } from '../src/version.js';

const ROWS = 200;
const argv = process.argv.slice(2);
const opt = (name: string, d: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 ? (argv[i + 1] ?? d) : d;
};

interface ChildReport {
  writer: number;
  failures: string[];
  /** Sources a write of which reported a failure. */
  failedSources: string[];
  seconds: number;
}

/** A source's rows: `ROWS` rows tagged with the round that wrote them. */
function rows(source: string, round: number): Array<Record<string, unknown>> {
  return Array.from({ length: ROWS }, (_, i) => ({ id: `${source}-${i}`, source, round, v: i * 0.5 }));
}

async function child(dir: string, writer: number, rounds: number, locked: boolean): Promise<void> {
  const db = await lancedb.connect(dir);
  const t = await db.openTable('rows');
  const failures: string[] = [];
  const failedSources = new Set<string>();
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    // even rounds: a new source; odd rounds: the previous source written again (replaced)
    const source = `w${writer}-s${Math.floor(r / 2)}`;
    const lock = locked ? await WriteLock.acquireWaiting(dir) : null;
    try {
      if (r % 2 === 1) await t.delete(`source = '${source}'`);
      await t.add(rows(source, r));
    } catch (e) {
      failures.push(`round ${r}: ${(e as Error).message.split('\n')[0]}`);
      failedSources.add(source);
    } finally {
      lock?.release();
    }
  }
  const report: ChildReport = {
    writer,
    failures,
    failedSources: [...failedSources],
    seconds: (performance.now() - t0) / 1000,
  };
  process.stdout.write(JSON.stringify(report));
  db.close();
}

if (argv[0] === '--child') {
  await child(argv[1] as string, Number(argv[2]), Number(argv[3]), argv[4] === 'locked');
  process.exit(0);
}

const processes = Number(opt('--processes', '4'));
const rounds = Number(opt('--rounds', '20'));
const OUT = join(PROJECT_ROOT, 'bench-out', 'writers');
await mkdir(OUT, { recursive: true });
const self = new URL(import.meta.url).pathname;

interface Outcome {
  mode: string;
  processes: number;
  rounds: number;
  seconds: number;
  failedWrites: number;
  failures: string[];
  sourcesWrong: number;
  /** Sources not as written although no write of them reported a failure: silent damage. */
  sourcesWrongSilently: number;
  rowsExpected: number;
  rowsFound: number;
}
const outcomes: Outcome[] = [];
for (const mode of ['no lock', 'lock file (turns)']) {
  const dir = await mkdtemp(join(tmpdir(), 'sightline-writers-'));
  const db = await lancedb.connect(dir);
  await db.createTable('rows', rows('seed', 0));
  db.close();
  const t0 = performance.now();
  const reports = await Promise.all(
    Array.from(
      { length: processes },
      (_, w) =>
        new Promise<ChildReport>((resolve, reject) => {
          const c = spawn(
            process.execPath,
            [
              ...process.execArgv,
              self,
              '--child',
              dir,
              String(w),
              String(rounds),
              mode.startsWith('lock') ? 'locked' : 'free',
            ],
            { stdio: ['ignore', 'pipe', 'inherit'] },
          );
          let out = '';
          c.stdout.on('data', (d: Buffer) => (out += d.toString()));
          c.on('error', reject);
          c.on('close', () => {
            try {
              resolve(JSON.parse(out) as ChildReport);
            } catch {
              reject(new Error(`writer ${w} wrote no report: ${out.slice(0, 200)}`));
            }
          });
        }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  // what the table should hold: the seed, and every writer's sources (each written once or replaced)
  const check = await lancedb.connect(dir);
  const t = await check.openTable('rows');
  const all = (await t.query().select(['source', 'round']).toArray()) as Array<{
    source: string;
    round: number;
  }>;
  const bySource = new Map<string, number>();
  for (const r of all) bySource.set(r.source, (bySource.get(r.source) ?? 0) + 1);
  const failedSources = new Set(reports.flatMap((r) => r.failedSources));
  let wrong = 0;
  let silent = 0;
  let expected = ROWS;
  for (let w = 0; w < processes; w++) {
    for (let s = 0; s < Math.ceil(rounds / 2); s++) {
      expected += ROWS;
      const source = `w${w}-s${s}`;
      if (bySource.get(source) === ROWS) continue;
      wrong++;
      if (!failedSources.has(source)) silent++;
    }
  }
  check.close();
  const failures = reports.flatMap((r) => r.failures.map((f) => `writer ${r.writer} ${f}`));
  outcomes.push({
    mode,
    processes,
    rounds,
    seconds,
    failedWrites: failures.length,
    failures: failures.slice(0, 10),
    sourcesWrong: wrong,
    sourcesWrongSilently: silent,
    rowsExpected: expected,
    rowsFound: all.length,
  });
  await rm(dir, { recursive: true, force: true });
}

process.stdout.write(
  `\nLanceDB, ${processes} writer processes × ${rounds} rounds (append a source of ${ROWS} rows, or replace it), ${cpus().length} cores\n\n` +
    '| writers | wall | writes that failed | sources not as written (of them silently) | rows expected / found |\n|---|---|---|---|---|\n',
);
for (const o of outcomes) {
  process.stdout.write(
    `| ${o.mode} | ${o.seconds.toFixed(1)} s | ${o.failedWrites} | ${o.sourcesWrong} (${o.sourcesWrongSilently}) | ${o.rowsExpected} / ${o.rowsFound} |\n`,
  );
  for (const f of o.failures.slice(0, 3)) process.stdout.write(`  e.g. ${f}\n`);
}
await writeFile(join(OUT, 'bench-writers.json'), JSON.stringify({ cores: cpus().length, outcomes }, null, 2));
process.stdout.write(`\nwrote ${join(OUT, 'bench-writers.json')}\n`);
