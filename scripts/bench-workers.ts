/**
 * Scale-out bench: `npm run bench -- --workers [--counts 1,2,4] [--copies 3] [files or folders...]`.
 *
 * Indexes the same footage (default: the generated sample clips of `npm run demo`) once locally
 * (`index`, one file at a time: the baseline, in the same run) and then through a fresh
 * redis-server on 127.0.0.1 with 1, 2 and 4 `sightline worker` processes (`index --queue --wait`),
 * each into a new store, and reports camera-hours indexed per hour of wall time, peak memory of the
 * run, and whether each store's counts (sources, faces, plates, tracks) equal the local run's.
 * `--copies n` re-muxes every clip n times with a different metadata tag (distinct bytes, so each
 * copy is a source of its own and indexed in full), so there are enough files for 4 workers.
 * Prints a table and writes bench-out/workers/bench-workers.json.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { ensureGenerated, GENERATED_DIR } from '../fixtures/lib/ensure.js';
import { resolveFfmpeg } from '../src/infra/ffmpeg-path.js';
import { probe } from '../src/infra/ffmpeg.js';
import { PROJECT_ROOT } from '../src/version.js';
import { hasRedis, startRedis } from '../test/helpers/redis.js';
import { measured } from './lib/measure.js';

const argv = process.argv.slice(2).filter((a) => a !== '--workers');
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const counts = (opt('--counts') ?? '1,2,4').split(',').map(Number);
const copies = Number(opt('--copies') ?? 3);
const BIN = join(PROJECT_ROOT, 'bin', 'sightline.js');
const OUT = join(PROJECT_ROOT, 'bench-out', 'workers');
const VIDEO = /\.(mp4|mkv|avi|mov|ts|webm)$/i;

if (!hasRedis()) {
  process.stderr.write('redis-server is not installed: apt-get install redis-server\n');
  process.exit(2);
}
await mkdir(OUT, { recursive: true });
await ensureGenerated();
const given = argv.filter((a) => !a.startsWith('--'));
const roots = given.length
  ? given.map((p) => resolve(p))
  : ['cam-lobby', 'cam-street', 'cam-small-faces'].map((d) => join(GENERATED_DIR, d));

async function videos(p: string): Promise<string[]> {
  if (!(await stat(p)).isDirectory()) return [p];
  const out: string[] = [];
  for (const e of (await readdir(p)).sort()) out.push(...(await videos(join(p, e))));
  return out.filter((f) => VIDEO.test(f));
}
const originals = (await Promise.all(roots.map(videos))).flat();
if (originals.length === 0) throw new Error('no video files in the footage given');

// the footage: each clip and its copies (distinct bytes: a metadata tag of their own)
const work = await mkdtemp(join(tmpdir(), 'sightline-bench-workers-'));
const footage = join(work, 'footage');
await mkdir(footage);
const ffmpeg = resolveFfmpeg().path;
let seconds = 0;
for (const [k, f] of originals.entries()) {
  const duration = (await probe(f)).duration;
  for (let c = 0; c < copies; c++) {
    const name = `${String(k).padStart(2, '0')}-${basename(f, extname(f))}-copy${c}${extname(f)}`;
    execFileSync(ffmpeg, [
      ...['-v', 'error', '-i', f, '-map', '0', '-c', 'copy'],
      ...['-metadata', `comment=sightline bench copy ${c}`, join(footage, name)],
    ]);
    seconds += duration;
  }
}
const cameraHours = seconds / 3600;
process.stderr.write(
  `${originals.length} clips × ${copies} copies: ${(seconds / 60).toFixed(1)} camera-minutes; ${cpus().length} cores\n`,
);

interface Counts {
  sources: number;
  faces: number;
  plates: number;
  tracks: number;
}
async function countsOf(store: string): Promise<Counts> {
  const r = await measured(process.execPath, [BIN, 'stats', '--store', store, '--json']);
  const s = JSON.parse(r.stdout) as Partial<Counts> & Record<string, unknown>;
  return {
    sources: Number(s.sources),
    faces: Number(s.faces),
    plates: Number(s.plates),
    tracks: Number(s.tracks),
  };
}

interface Row {
  run: string;
  workers: number;
  seconds: number;
  peakRssMb: number;
  cameraHoursPerHour: number;
  code: number | null;
  counts: Counts;
  equalToLocal: boolean;
}
const rows: Row[] = [];
const row = (run: string, workers: number, r: Awaited<ReturnType<typeof measured>>, counts: Counts): Row => ({
  run,
  workers,
  seconds: r.seconds,
  peakRssMb: r.peakRssMb,
  cameraHoursPerHour: cameraHours / (r.seconds / 3600),
  code: r.code,
  counts,
  equalToLocal: rows.length === 0 || JSON.stringify(counts) === JSON.stringify(rows[0]?.counts),
});

// the baseline: a local index, one file at a time
{
  const store = join(work, 'store-local');
  const r = await measured(process.execPath, [
    BIN,
    'index',
    footage,
    '--store',
    store,
    '--jobs',
    '1',
    '--json',
  ]);
  rows.push(row('local, --jobs 1', 1, r, await countsOf(store)));
  process.stderr.write(`local: ${r.seconds.toFixed(1)} s\n`);
}

for (const n of counts) {
  const redisDir = join(work, `redis-${n}`);
  await mkdir(redisDir);
  const redis = await startRedis(redisDir);
  const store = join(work, `store-queue-${n}`);
  const workers: ChildProcess[] = Array.from({ length: n }, () =>
    spawn(process.execPath, [BIN, 'worker', '--queue', redis.url], { stdio: 'ignore' }),
  );
  try {
    const r = await measured(process.execPath, [
      ...[BIN, 'index', footage, '--store', store],
      ...['--queue', redis.url, '--wait', '--json'],
    ]);
    rows.push(row(`queue, ${n} worker${n > 1 ? 's' : ''}`, n, r, await countsOf(store)));
    process.stderr.write(`${n} worker(s): ${r.seconds.toFixed(1)} s\n`);
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(
      workers.map((w) => new Promise((res) => (w.exitCode !== null ? res(null) : w.once('exit', res)))),
    );
    redis.stop();
  }
}

process.stdout.write(
  `\nScale-out bench (${cpus().length} cores): ${originals.length} clips × ${copies} copies, ${(seconds / 60).toFixed(1)} camera-minutes\n\n` +
    '| run | wall | camera-hours an hour | peak memory (index command) | store equal to the local run |\n|---|---|---|---|---|\n',
);
for (const r of rows) {
  process.stdout.write(
    `| ${r.run} | ${r.seconds.toFixed(1)} s | ${r.cameraHoursPerHour.toFixed(1)} | ${r.peakRssMb.toFixed(0)} MB | ${r.code !== 0 ? `exit ${r.code}` : r.equalToLocal ? 'yes' : 'NO'} |\n`,
  );
}
await writeFile(
  join(OUT, 'bench-workers.json'),
  JSON.stringify({ cores: cpus().length, clips: originals.length, copies, seconds, rows }, null, 2),
);
process.stdout.write(`\nwrote ${join(OUT, 'bench-workers.json')}\n`);
if (existsSync(work)) await rm(work, { recursive: true, force: true });
