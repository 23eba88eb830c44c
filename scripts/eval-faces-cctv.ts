/**
 * Faces on real CCTV, judged as an investigator would meet them (issue 13). The four real clips of
 * ../shared/data/cctv (identities.csv says who is in view when, and who is certainly different) are
 * indexed through the CLI as one case with three cameras — corridor (kieron01, kjetil01), doorway
 * (busy_office), hall (one-by-one-person-detection) — then:
 *
 * - face sightings per clip, and how many are not faces (the hall has no visible face at all; in the
 *   doorway a box below a concurrent face of the same walk is the T-shirt logo, not a face);
 * - `search recurring`: persons listed, and how many mix two certainly different people or a non-face;
 * - `search face` with a crop of kjetil's face (his frame at 3.0 s): is he found, and who else is;
 * - per face (scripts/collect-cctv-faces.ts at 4 fps): same/different similarity per recogniser
 *   (d', EER, false-match rate at the default), and the CCTV-against-CCTV different-person
 *   comparisons that calibrate the 'cctv' condition (models/face-calibration.json).
 *
 * `--baseline <checkout>` runs the same through an earlier build's CLI in the same run. Thumbnails of
 * every sighting go to eval-out/cctv-<build>-tracks.png, to look at. Writes eval-out/faces-cctv.json.
 * The clips are licensed for internal testing only: read in place, never copied.
 *
 *   npx tsx scripts/eval-faces-cctv.ts [--baseline <dir>] [--reuse]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import sharp from 'sharp';
import { cosine } from '../src/core/vector.js';
import { resolveFfmpeg } from '../src/infra/ffmpeg-path.js';
import { createFaceAnalyzer } from '../src/ml/face/index.js';
import {
  labelled,
  readIdentities,
  sheet,
  truthAt,
  type CollectedFace,
  type Window,
} from './collect-cctv-faces.js';

const CCTV = process.env.SIGHTLINE_CCTV ?? '/work/shared/data/cctv';
const OUT = 'eval-out';
const argv = process.argv.slice(2);
const args = new Set(argv);
const baselineDir = argv.includes('--baseline') ? resolve(argv[argv.indexOf('--baseline') + 1]!) : undefined;

const CLIPS: Array<{ file: string; camera: string }> = [
  { file: 'videoai_test_data/FaceRecognition/kieron01.mkv', camera: 'corridor' },
  { file: 'videoai_test_data/FaceRecognition/kjetil01.mkv', camera: 'corridor' },
  { file: 'videoai_test_data/FaceRecognition/busy_office.mkv', camera: 'doorway' },
  { file: 'intel_sample_videos/videos/one-by-one-person-detection.mp4', camera: 'hall' },
];
/** office_a may be kieron or kjetil: never counted either way. */
const unknownPair = (a: string, b: string): boolean =>
  [a, b].includes('office_a') && ([a, b].includes('kieron') || [a, b].includes('kjetil'));
const certainlyDifferent = (a: string, b: string): boolean =>
  a !== b && !unknownPair(a, b) && ![a, b].some((x) => x === 'ambiguous' || x === 'nobody');

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

function cli(build: string, cliArgs: string[]): { stdout: string; status: number } {
  const r = spawnSync(process.execPath, [join(build, 'bin', 'sightline.js'), ...cliArgs], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, CI: 'true' },
  });
  if (r.status !== 0 && r.status !== 1)
    log(`  sightline ${cliArgs.join(' ')}: exit ${r.status}: ${r.stderr.trim()}`);
  return { stdout: r.stdout, status: r.status ?? -1 };
}

interface TrackLite {
  id: string;
  path: string;
  camera: string;
  start: number;
  end: number;
  best: number;
  box: [number, number, number, number];
  thumb: Buffer | null;
  truth: string;
}

/** Each face sighting (track) of the store, with the truth of its best frame. */
async function readTracks(storeDir: string, windows: Window[]): Promise<TrackLite[]> {
  const db = await lancedb.connect(storeDir);
  const sources = (await (await db.openTable('sources')).query().toArray()) as Array<{
    sha256: string;
    path: string;
  }>;
  const rows = (await (await db.openTable('tracks')).query().where(`kind = 'face'`).toArray()) as Array<
    Record<string, unknown>
  >;
  db.close();
  const pathOf = new Map(sources.map((s) => [s.sha256, s.path]));
  const tracks: TrackLite[] = rows.map((r) => {
    const path = pathOf.get(r.source_sha256 as string) ?? '';
    const file = CLIPS.find((c) => path.endsWith(c.file))?.file ?? path;
    return {
      id: r.id as string,
      path: file,
      camera: r.camera as string,
      start: r.start_offset as number,
      end: r.end_offset as number,
      best: r.best_offset as number,
      box: [r.best_x, r.best_y, r.best_w, r.best_h] as [number, number, number, number],
      thumb: r.thumb ? Buffer.from(r.thumb as Uint8Array) : null,
      truth: truthAt(windows, file, r.best_offset as number),
    };
  });
  // a box well below a face of another track in the same frame, overlapping it across, is that
  // person's chest (the doorway's T-shirt logo): for most of its frames
  const faces = (await (
    await db2(storeDir)
  )
    .query()
    .select(['track_id', 'offset', 'box_x', 'box_y', 'box_w', 'box_h'])
    .toArray()) as Array<Record<string, number | string>>;
  const byOffset = new Map<string, Array<Record<string, number | string>>>();
  for (const f of faces) {
    const k = `${f.offset as number}`;
    byOffset.set(k, [...(byOffset.get(k) ?? []), f]);
  }
  for (const t of tracks) {
    const mine = faces.filter((f) => f.track_id === t.id);
    const below = mine.filter((f) =>
      (byOffset.get(`${f.offset as number}`) ?? []).some(
        (o) =>
          o.track_id !== t.id &&
          (f.box_y as number) > (o.box_y as number) + 0.8 * (o.box_h as number) &&
          Math.abs(
            (f.box_x as number) + (f.box_w as number) / 2 - (o.box_x as number) - (o.box_w as number) / 2,
          ) < (o.box_w as number),
      ),
    );
    if (mine.length > 0 && below.length * 2 >= mine.length) t.truth = 'nonface';
  }
  return tracks;
}

async function db2(storeDir: string): Promise<lancedb.Table> {
  return (await lancedb.connect(storeDir)).openTable('faces');
}

async function kjetilCrop(): Promise<string> {
  const file = join(OUT, 'cctv-kjetil-crop.jpg');
  const { path: ffmpeg } = resolveFfmpeg();
  const png = execFileSync(
    ffmpeg,
    [
      ...['-v', 'error', '-ss', '3.0', '-i', join(CCTV, CLIPS[1]!.file), '-frames:v', '1'],
      ...['-f', 'image2pipe', '-vcodec', 'png', 'pipe:1'],
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const a = await createFaceAnalyzer({ verifier: null });
  const faces = await a.analyzeImage(png);
  a.dispose();
  const f = [...faces].sort((x, y) => y.box[3] - x.box[3])[0];
  if (!f) throw new Error('no face in kjetil01 at 3.0 s');
  const meta = await sharp(png).metadata();
  const pad = 0.25;
  const [x, y, w, h] = f.box;
  const left = Math.max(0, Math.round(x - pad * w));
  const top = Math.max(0, Math.round(y - pad * h));
  const width = Math.min((meta.width ?? 0) - left, Math.round(w * (1 + 2 * pad)));
  const height = Math.min((meta.height ?? 0) - top, Math.round(h * (1 + 2 * pad)));
  await sharp(png).extract({ left, top, width, height }).jpeg({ quality: 92 }).toFile(file);
  return file;
}

interface BuildFigures {
  build: string;
  sightings: Record<string, { faces: number; notFaces: number }>;
  recurring: { persons: number; mixed: number; detail: string[] };
  kjetilSearch: { found: boolean; returned: number; certainlyDifferent: number; detail: string[] };
}

async function evalBuild(
  name: string,
  build: string,
  windows: Window[],
  crop: string,
): Promise<BuildFigures> {
  const store = join(OUT, `cctv-store-${name}`);
  if (!(args.has('--reuse') && existsSync(store))) {
    rmSync(store, { recursive: true, force: true });
    for (const c of CLIPS) {
      log(`  [${name}] indexing ${c.file} as ${c.camera}`);
      cli(build, ['index', join(CCTV, c.file), '--camera', c.camera, '--store', store, '--json']);
    }
  }
  const tracks = await readTracks(store, windows);
  const sightings: BuildFigures['sightings'] = {};
  for (const c of CLIPS) {
    const mine = tracks.filter((t) => t.path === c.file);
    sightings[c.file.split('/').pop()!] = {
      faces: mine.length,
      notFaces: mine.filter((t) => t.truth === 'nonface').length,
    };
  }
  const byId = new Map(tracks.map((t) => [t.id, t]));
  const rec = JSON.parse(cli(build, ['search', 'recurring', '--store', store, '--json']).stdout || '{}') as {
    results?: Array<{ pattern?: string; trackId?: string }>;
  };
  const persons = new Map<string, string[]>();
  for (const r of rec.results ?? []) {
    const t = r.trackId ? byId.get(r.trackId) : undefined;
    persons.set(r.pattern ?? '?', [...(persons.get(r.pattern ?? '?') ?? []), t?.truth ?? '?']);
  }
  let mixed = 0;
  const recDetail: string[] = [];
  for (const [p, truths] of persons) {
    const bad =
      truths.includes('nonface') || truths.some((a) => truths.some((b) => certainlyDifferent(a, b)));
    if (bad) mixed++;
    recDetail.push(`${p}: ${truths.join(', ')}${bad ? ' (MIXED)' : ''}`);
  }
  const found = JSON.parse(
    cli(build, ['search', 'face', crop, '--store', store, '--json']).stdout || '{}',
  ) as {
    results?: Array<{ trackId?: string; score: number; camera: string; strength?: { band: string } }>;
  };
  const res = found.results ?? [];
  const truthOf = (id?: string): string => (id ? (byId.get(id)?.truth ?? '?') : '?');
  await trackSheet(tracks, join(OUT, `cctv-${name}-tracks.png`));
  return {
    build: name,
    sightings,
    recurring: { persons: persons.size, mixed, detail: recDetail },
    kjetilSearch: {
      found: res.some((r) => truthOf(r.trackId) === 'kjetil'),
      returned: res.length,
      certainlyDifferent: res.filter((r) => {
        const t = truthOf(r.trackId);
        return t === 'nonface' || certainlyDifferent('kjetil', t);
      }).length,
      detail: res.map(
        (r) =>
          `${truthOf(r.trackId)} ${r.camera} ${r.score.toFixed(3)}${r.strength ? ` ${r.strength.band}` : ''}`,
      ),
    },
  };
}

/** Every sighting's thumbnail, labelled with its clip, time and truth. */
async function trackSheet(tracks: TrackLite[], file: string): Promise<void> {
  const tiles = await Promise.all(
    tracks
      .filter((t) => t.thumb && t.thumb.length > 0)
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.best - b.best))
      .map((t) =>
        labelled(t.thumb!, `${t.path.split('/').pop()!.slice(0, 6)} ${t.best.toFixed(1)} ${t.truth}`),
      ),
  );
  if (tiles.length > 0) await sheet(tiles, file);
}

/**
 * Per face: each usable face (as the analyzer keeps them by default) against every other face of
 * the clips; and, for calibration, each face as a query against each other person's faces as one
 * sighting (mean of the 3 best), CCTV against CCTV.
 */
function perFace(faces: CollectedFace[], key: 'vm' | 'vf'): Record<string, number | number[]> {
  const known = faces.filter((f) => !['ambiguous', 'nonface', 'nobody'].includes(f.truth) && f[key]);
  const gen: number[] = [];
  const imp: number[] = [];
  for (let i = 0; i < known.length; i++)
    for (let j = i + 1; j < known.length; j++) {
      const a = known[i]!;
      const b = known[j]!;
      if (a.truth === b.truth) gen.push(cosine(a[key]!, b[key]!));
      else if (certainlyDifferent(a.truth, b.truth)) imp.push(cosine(a[key]!, b[key]!));
    }
  const sightings: number[] = [];
  const people = [...new Set(known.map((f) => f.truth))];
  for (const q of known)
    for (const p of people) {
      if (!certainlyDifferent(q.truth, p)) continue;
      const sims = known
        .filter((f) => f.truth === p)
        .map((f) => cosine(q[key]!, f[key]!))
        .sort((x, y) => y - x)
        .slice(0, 3);
      sightings.push(sims.reduce((s, v) => s + v, 0) / sims.length);
    }
  const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
  const sd = (x: number[]): number => Math.sqrt(mean(x.map((v) => (v - mean(x)) ** 2)));
  const dprime = (mean(gen) - mean(imp)) / Math.sqrt((sd(gen) ** 2 + sd(imp) ** 2) / 2);
  let eer = 1;
  for (const t of [...gen, ...imp]) {
    const frr = gen.filter((v) => v < t).length / gen.length;
    const far = imp.filter((v) => v >= t).length / imp.length;
    eer = Math.min(eer, Math.max(frr, far));
  }
  const q = (x: number[], p: number): number => [...x].sort((a, b) => a - b)[Math.floor(p * (x.length - 1))]!;
  return {
    faces: known.length,
    genuine: gen.length,
    impostor: imp.length,
    genuineMedian: q(gen, 0.5),
    impostorMedian: q(imp, 0.5),
    impostorMax: Math.max(...imp),
    dprime,
    eer,
    sightingImpostors: sightings,
  };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const windows = readIdentities(CCTV);
  const crop = await kjetilCrop();
  const builds: BuildFigures[] = [await evalBuild('current', resolve('.'), windows, crop)];
  if (baselineDir) builds.push(await evalBuild('baseline', baselineDir, windows, crop));

  // per face, both recognisers, on the faces the analyzer keeps (collected at 4 fps, no filter)
  const collected = join(OUT, 'cctv-faces.json');
  if (!(args.has('--reuse') && existsSync(collected))) {
    const r = spawnSync(
      process.execPath,
      [join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/collect-cctv-faces.ts'],
      {
        stdio: 'inherit',
      },
    );
    if (r.status !== 0) throw new Error('collect-cctv-faces failed');
  }
  const all = JSON.parse(readFileSync(collected, 'utf8')) as CollectedFace[];
  const kept = all.filter((f) => f.kept);
  const falseKept = Object.fromEntries(
    CLIPS.map((c) => {
      const clip = c.file.split('/').pop()!;
      return [
        clip,
        {
          candidates: all.filter((f) => f.clip === clip).length,
          kept: kept.filter((f) => f.clip === clip && f.truth === 'nonface').length,
        },
      ];
    }),
  );
  const usable = kept.filter((f) => f.usable);
  const recognisers = { mobilefacenet: perFace(usable, 'vm'), 'face-api': perFace(usable, 'vf') };

  console.log('\nFace sightings per clip (not faces in brackets)');
  console.table(
    builds.map((b) => ({
      build: b.build,
      ...Object.fromEntries(Object.entries(b.sightings).map(([k, v]) => [k, `${v.faces} (${v.notFaces})`])),
    })),
  );
  console.log('search recurring and search face (crop of kjetil at 3.0 s)');
  console.table(
    builds.map((b) => ({
      build: b.build,
      persons: b.recurring.persons,
      'mixed persons': b.recurring.mixed,
      'kjetil found': b.kjetilSearch.found ? 'yes' : 'no',
      returned: b.kjetilSearch.returned,
      'certainly different returned': b.kjetilSearch.certainlyDifferent,
    })),
  );
  for (const b of builds) {
    log(`${b.build} recurring: ${b.recurring.detail.join(' | ') || 'none'}`);
    log(`${b.build} kjetil search: ${b.kjetilSearch.detail.join(' | ') || 'none'}`);
  }
  console.log('Per face (4 fps, usable faces of the default analyzer), same vs certainly different people');
  console.table(
    Object.entries(recognisers).map(([k, v]) => ({
      recogniser: k,
      faces: v.faces,
      pairs: `${v.genuine as number} same / ${v.impostor as number} different`,
      'same median': (v.genuineMedian as number).toFixed(3),
      'different median': (v.impostorMedian as number).toFixed(3),
      'different max': (v.impostorMax as number).toFixed(3),
      "d'": (v.dprime as number).toFixed(2),
      EER: (v.eer as number).toFixed(3),
    })),
  );
  console.log('Detector candidates (SSD >= 0.3) and those kept as faces where no face is visible');
  console.table(falseKept);
  writeFileSync(
    join(OUT, 'faces-cctv.json'),
    JSON.stringify({ date: new Date().toISOString(), builds, recognisers, falseKept }, null, 2),
  );
  log(`wrote ${join(OUT, 'faces-cctv.json')}`);
}

await main();
