/**
 * Plate search through the VIDEO path, as the acceptance check runs it: the OpenALPR photos of a
 * region composed into one 1280x720 H.264 clip (each photo letterboxed, shown 2 s, in file order;
 * 10 fps, CRF 18 by default, the held-out check's footage; `--fps 25 --crf 23` is the older setup), indexed with the real CLI (`sightline index --no-faces`, default sampling and motion
 * gating), then searched with a watchlist of the true plates (`search plate --watchlist --limit 3`).
 * A plate is found when one of its top-3 results has its evidence inside that photo's 2 s window.
 * Also the real yolov4 video, searched by its plate.
 *
 * The photos are licensed for internal testing only: clips, frames and stores go to eval-out/
 * (git-ignored) and are never copied into the repo.
 *
 *   npx tsx scripts/eval-plates-video.ts [--regions us,eu,br] [--max-per-region N] [--fps 10] [--crf 18]
 *        [--out eval-out/plates-video.json] [--reuse-clips] [--no-real]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { normalisePlate } from '../src/core/plate.js';
import { resolveFfmpeg } from '../src/infra/ffmpeg-path.js';
import { Store } from '../src/store/store.js';

const DATA = '/work/shared/data/plates';
const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'sightline.js');
const W = 1280;
const H = 720;
const SECONDS = 2;

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const FPS = Number(arg('--fps') ?? 10);
const CRF = Number(arg('--crf') ?? 18);
const regions = (arg('--regions') ?? 'us,eu,br').split(',').filter(Boolean);
const maxPerRegion = Number(arg('--max-per-region') ?? Infinity);
const outPath = arg('--out') ?? 'eval-out/plates-video.json';
const work = resolve(ROOT, 'eval-out', 'plates-video');
const reuseClips = args.includes('--reuse-clips');

interface Row {
  file: string;
  plate: string;
}

function readCsv(path: string): Row[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [file = '', plate = ''] = l.split(',');
      return { file, plate: normalisePlate(plate) };
    });
}

function run(cmd: string, argv: string[], input?: string): { stdout: string; stderr: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...(input !== undefined ? { input } : {}),
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  }
  return { stdout: r.stdout, stderr: r.stderr, ms };
}

/** One clip: every photo letterboxed to 1280x720, SECONDS each, piped raw into libx264. */
async function composeClip(dir: string, rows: Row[], out: string): Promise<void> {
  const { path: ffmpeg } = resolveFfmpeg();
  const child = spawn(
    ffmpeg,
    [
      '-y',
      '-loglevel',
      'error',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${W}x${H}`,
      '-framerate',
      String(FPS),
      '-i',
      'pipe:0',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      String(CRF),
      '-pix_fmt',
      'yuv420p',
      out,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((ok, fail) =>
    child.on('close', (code) => (code === 0 ? ok() : fail(new Error(`ffmpeg exited ${code}: ${stderr}`)))),
  );
  const write = (b: Buffer): Promise<void> =>
    new Promise((ok, fail) => child.stdin.write(b, (e) => (e ? fail(e) : ok())));
  for (const row of rows) {
    const frame = await sharp(readFileSync(join(dir, row.file)))
      .rotate()
      .removeAlpha()
      .resize(W, H, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
      .toColourspace('srgb')
      .raw()
      .toBuffer();
    for (let i = 0; i < FPS * SECONDS; i++) await write(frame);
  }
  child.stdin.end();
  await done;
}

interface Result {
  kind: string;
  pattern?: string;
  label?: string;
  text?: string;
  cost?: number;
  startOffset: number;
  endOffset: number;
  trackId?: string;
  evidence: { offset: number };
}

function index(clip: string, store: string): { ms: number; summary: Record<string, unknown> } {
  rmSync(store, { recursive: true, force: true });
  const r = run(process.execPath, [CLI, 'index', clip, '--store', store, '--json', '--no-faces']);
  const events = r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const done = events.find((e) => e.type === 'file-done') ?? {};
  const summary = {
    frames: done.frames,
    analysed: done.analysed,
    plates: done.plates,
    plateTracks: done.plateTracks,
    stageSeconds: done.stageSeconds,
  };
  return { ms: r.ms, summary };
}

function search(store: string, watchlist: string): Result[] {
  const r = run(process.execPath, [
    CLI,
    'search',
    'plate',
    '--watchlist',
    watchlist,
    '--store',
    store,
    '--limit',
    '3',
    '--json',
  ]);
  const doc = JSON.parse(r.stdout) as { results: Result[] };
  return doc.results;
}

async function evalRegion(region: string) {
  const dir = join(DATA, 'openalpr_endtoend', region);
  const rows = readCsv(join(DATA, 'openalpr_endtoend', `${region}.csv`))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .slice(0, maxPerRegion);
  const rdir = join(work, region);
  mkdirSync(rdir, { recursive: true });
  const clip = join(rdir, `${region}-${rows.length}-${FPS}fps-crf${CRF}.mp4`);
  let composeMs = 0;
  if (!(reuseClips && existsSync(clip))) {
    const t0 = performance.now();
    await composeClip(dir, rows, clip);
    composeMs = performance.now() - t0;
  }
  const watchlist = join(rdir, 'watchlist.csv');
  writeFileSync(watchlist, rows.map((r) => `${r.plate},${r.file}`).join('\n') + '\n');
  const store = join(rdir, 'store');
  const idx = index(clip, store);
  const results = search(store, watchlist);

  const s = await Store.open(store, { create: false });
  const tracks = await s.tracks('plate');
  const readings = await s.plateRows();

  const perPhoto = rows.map((row, i) => {
    const t0 = i * SECONDS;
    const t1 = t0 + SECONDS;
    const inWin = (o: number): boolean => o >= t0 - 1e-6 && o < t1 - 1e-6;
    const mine = results.filter((r) => r.label === row.file);
    const rank = mine.findIndex((r) => inWin(r.evidence.offset));
    const overlapping = tracks.filter((t) => t.start_offset < t1 - 1e-6 && t.end_offset >= t0 - 1e-6);
    const exact = overlapping.some((t) => t.text === row.plate);
    const reads = readings.filter((r) => inWin(r.offset)).sort((a, b) => a.offset - b.offset);
    return {
      file: row.file,
      truth: row.plate,
      found: rank >= 0,
      rank: rank >= 0 ? rank + 1 : null,
      exact,
      tracks: overlapping.map((t) => ({
        text: t.text,
        start: t.start_offset,
        end: t.end_offset,
        n: t.detections,
        score: Number(t.score.toFixed(3)),
      })),
      readings: reads.map((r) => `${r.offset.toFixed(1)}:${r.text}:${r.confidence.toFixed(2)}`),
      top: mine.map((r) => `${r.text ?? ''}@${r.evidence.offset.toFixed(1)}(${r.cost ?? ''})`),
    };
  });
  const n = perPhoto.length;
  const sampledWindows = new Set(readings.map((r) => Math.floor(r.offset / SECONDS)));
  return {
    region,
    photos: n,
    top3: perPhoto.filter((p) => p.found).length / n,
    top1: perPhoto.filter((p) => p.rank === 1).length / n,
    exact: perPhoto.filter((p) => p.exact).length / n,
    tracksPerPhoto: perPhoto.reduce((s, p) => s + p.tracks.length, 0) / n,
    tracks: tracks.length,
    readings: readings.length,
    photosWithReadings: sampledWindows.size,
    indexSeconds: idx.ms / 1000,
    composeSeconds: composeMs / 1000,
    index: idx.summary,
    perPhoto,
  };
}

async function evalReal() {
  const csv = readFileSync(join(DATA, 'yolov4_custom_functions', 'video_plates.csv'), 'utf8')
    .trim()
    .split('\n')[1]
    ?.split(',');
  const file = csv?.[0] ?? 'video/license_plate.mp4';
  const plate = normalisePlate(csv?.[1] ?? 'LS15EBC');
  const f0 = Number(csv?.[2] ?? 0);
  const f1 = Number(csv?.[3] ?? 139);
  const clip = join(DATA, 'yolov4_custom_functions', file);
  const rdir = join(work, 'real');
  mkdirSync(rdir, { recursive: true });
  const store = join(rdir, 'store');
  const idx = index(clip, store);
  const watchlist = join(rdir, 'watchlist.csv');
  writeFileSync(watchlist, `${plate},${file}\n`);
  const results = search(store, watchlist);
  const t0 = f0 / 30;
  const t1 = (f1 + 1) / 30;
  const s = await Store.open(store, { create: false });
  const tracks = await s.tracks('plate');
  const rank = results.findIndex((r) => r.evidence.offset >= t0 - 1e-6 && r.evidence.offset <= t1);
  return {
    clip,
    plate,
    found: rank >= 0,
    rank: rank >= 0 ? rank + 1 : null,
    exact: tracks.some((t) => t.text === plate),
    results: results.map((r) => ({ text: r.text, cost: r.cost, offset: r.evidence.offset })),
    tracks: tracks.map((t) => ({ text: t.text, start: t.start_offset, end: t.end_offset, n: t.detections })),
    indexSeconds: idx.ms / 1000,
  };
}

const reports: Array<Awaited<ReturnType<typeof evalRegion>>> = [];
for (const region of regions) {
  process.stderr.write(`region ${region}...\n`);
  reports.push(await evalRegion(region));
}
const real = args.includes('--no-real') ? null : await evalReal();

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
console.log(
  'region  photos  top3    top1    exact   tracks/photo  photos-read  frames analysed/sampled  index s',
);
for (const r of reports) {
  console.log(
    `${r.region.padEnd(7)} ${String(r.photos).padStart(6)}  ${pct(r.top3).padEnd(7)} ${pct(r.top1).padEnd(7)} ${pct(r.exact).padEnd(7)} ${r.tracksPerPhoto.toFixed(2).padStart(12)}  ${String(r.photosWithReadings).padStart(11)}  ${`${String(r.index.analysed)}/${String(r.index.frames)}`.padStart(23)}  ${r.indexSeconds.toFixed(0)}`,
  );
}
if (reports.length > 1) {
  const n = reports.reduce((s, r) => s + r.photos, 0);
  const sum = (k: 'top3' | 'top1' | 'exact'): number => reports.reduce((s, r) => s + r[k] * r.photos, 0) / n;
  console.log(
    `${'all'.padEnd(7)} ${String(n).padStart(6)}  ${pct(sum('top3')).padEnd(7)} ${pct(sum('top1')).padEnd(7)} ${pct(sum('exact'))}`,
  );
}
if (real) {
  console.log(
    `real video ${real.plate}: ${real.found ? `found at rank ${real.rank}` : 'NOT found'}; tracks ${real.tracks.map((t) => t.text).join(', ')}; index ${real.indexSeconds.toFixed(0)} s`,
  );
}
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(
  outPath,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      fps: FPS,
      crf: CRF,
      maxPerRegion: rows(maxPerRegion),
      regions: reports,
      real,
    },
    null,
    2,
  ),
);
console.log(`wrote ${outPath}`);
if (real && !real.found) process.exitCode = 1;

function rows(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}
