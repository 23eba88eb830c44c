/**
 * Speed bench: `npm run bench [files...]`. For each file (default: the generated 120 s 1080p25
 * bench clip) measures in one run (a) a plain ffmpeg decode, (b) `sightline index` with default
 * settings into a temp store (wall time, peak RSS, per-stage seconds), (c) the face-api tfjs-wasm
 * reference (SSD on whole frames + descriptors) on the same sampled frames. Prints a table and
 * writes bench-out/bench.json. Not a test: figures depend on the machine and its load.
 *
 *   npm run bench -- [--ref-frames n] [--baseline <checkout>] [files...]
 *
 * `--baseline`: another checkout (e.g. a `git worktree` of an earlier commit, `dist/` built,
 * node_modules linked) whose `sightline index` is timed too, right after this build's, on each file.
 */
import { execFileSync } from 'node:child_process';
import { measured, type Run } from './lib/measure.js';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ensureBenchClip } from '../fixtures/lib/bench.js';
import { resolveFfmpeg } from '../src/infra/ffmpeg-path.js';
import { probe, sampleFrames } from '../src/infra/ffmpeg.js';
import { getFaceRuntime, loadWeightMap } from '../src/ml/face/runtime.js';

/** face-api as documented: SSD MobileNet on the whole frame, landmarks and a descriptor per face. */
async function reference(path: string, width: number, height: number, maxFrames: number) {
  process.env.SIGHTLINE_TF_BACKEND ??= 'wasm';
  const { faceapi, tf } = await getFaceRuntime();
  const ssd = new faceapi.SsdMobilenetv1();
  ssd.loadFromWeightMap(loadWeightMap(tf, 'face-api/ssd_mobilenetv1') as never);
  const lm = new faceapi.FaceLandmark68Net();
  lm.loadFromWeightMap(loadWeightMap(tf, 'face-api/face_landmark_68') as never);
  const rec = new faceapi.FaceRecognitionNet();
  rec.loadFromWeightMap(loadWeightMap(tf, 'face-api/face_recognition') as never);
  const opts = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 });
  let frames = 0;
  let faces = 0;
  let ms = 0;
  for await (const f of sampleFrames(path, { fps: 2, maxWidth: 1920, width, height })) {
    if (frames >= maxFrames) break;
    const t = tf.tensor3d(
      new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.length),
      [f.height, f.width, 3],
      'int32',
    );
    const t0 = performance.now();
    const dets = await ssd.locateFaces(t as never, opts);
    if (dets.length > 0) {
      const crops = await faceapi.extractFaceTensors(t as never, dets);
      const lms = await lm.detectLandmarks(crops as never);
      const aligned = await faceapi.extractFaceTensors(
        t as never,
        (Array.isArray(lms) ? lms : [lms]).map((l, i) => l.shiftBy(dets[i]!.box.x, dets[i]!.box.y).align()),
      );
      for (const a of aligned) {
        const d = (await rec.computeFaceDescriptor(a as never)) as Float32Array;
        void d;
      }
      for (const c of [...crops, ...aligned]) (c as unknown as { dispose(): void }).dispose();
      faces += dets.length;
    }
    ms += performance.now() - t0;
    t.dispose();
    frames++;
  }
  return { frames, faces, msPerFrame: frames ? ms / frames : 0 };
}

/** `sightline index` with default settings into a temp store, by the given checkout's CLI. */
async function indexRun(bin: string, path: string, duration: number, decodeSeconds: number) {
  const store = await mkdtemp(join(tmpdir(), 'sightline-bench-'));
  let run: Run;
  try {
    run = await measured(process.execPath, [bin, 'index', path, '--store', store, '--json']);
  } finally {
    await rm(store, { recursive: true, force: true });
  }
  const done = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((e) => e.type === 'file-done') as
    | {
        frames: number;
        analysed?: number;
        faces: number;
        plates: number;
        faceTracks: number;
        plateTracks: number;
        stageSeconds: Record<string, number>;
      }
    | undefined;
  return {
    ok: run.code === 0 && done !== undefined,
    seconds: run.seconds,
    cpuSeconds: run.cpuSeconds,
    peakRssMb: run.peakRssMb,
    ratioToDecode: run.seconds / decodeSeconds,
    realTimeFactor: duration / run.seconds,
    frames: done?.frames,
    analysed: done?.analysed,
    faces: done?.faces,
    faceTracks: done?.faceTracks,
    plates: done?.plates,
    plateTracks: done?.plateTracks,
    stageSeconds: done?.stageSeconds,
  };
}

async function benchFile(path: string, refFrames: number) {
  const info = await probe(path);
  const ffmpeg = resolveFfmpeg().path;
  process.stderr.write(
    `bench ${basename(path)}: ${info.width}x${info.height}, ${info.duration.toFixed(1)} s\n`,
  );
  const decode = await measured(ffmpeg, [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-i',
    path,
    '-f',
    'null',
    '-',
  ]);
  const index = await indexRun('bin/sightline.js', path, info.duration, decode.seconds);
  const before = baseline
    ? await indexRun(join(baseline, 'bin/sightline.js'), path, info.duration, decode.seconds)
    : undefined;
  const ref = refFrames > 0 ? await reference(path, info.width, info.height, refFrames) : undefined;
  const sampled = Math.floor(info.duration * 2);
  return {
    file: path,
    width: info.width,
    height: info.height,
    duration: info.duration,
    decode: { seconds: decode.seconds, cpuSeconds: decode.cpuSeconds, peakRssMb: decode.peakRssMb },
    index,
    ...(before ? { baseline: before } : {}),
    reference: ref && {
      ...ref,
      estSecondsAllFrames: (ref.msPerFrame * sampled) / 1000,
      ratioToDecode: (ref.msPerFrame * sampled) / 1000 / decode.seconds,
    },
  };
}

const argv = process.argv.slice(2);
if (argv.includes('--writers')) {
  // LanceDB with several writer processes on one store, with and without the store's lock
  await import('./bench-writers.js');
  process.exit(0);
}
if (argv.includes('--workers')) {
  // the scale-out bench: local index against 1, 2 and 4 queue workers
  await import('./bench-workers.js');
  process.exit(0);
}
if (argv.includes('--search')) {
  // the search bench: stores grown to city size, queried with the CLI
  await import('./bench-search.js');
  process.exit(0);
}
const refArg = argv.indexOf('--ref-frames');
const refFrames = refArg >= 0 ? Number(argv.splice(refArg, 2)[1]) : 20;
// --baseline <checkout>: an earlier build (its dist/ built, node_modules present) indexed in the
// same run, so before/after figures share the machine and its load
const baseArg = argv.indexOf('--baseline');
const baseline = baseArg >= 0 ? argv.splice(baseArg, 2)[1] : undefined;
if (baseline !== undefined && !existsSync(join(baseline, 'bin/sightline.js'))) {
  process.stderr.write(
    `--baseline ${baseline}: no bin/sightline.js there; give a checkout with dist/ built\n`,
  );
  process.exit(2);
}
const gitHead = (dir: string): string => {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'not a git checkout';
  }
};
const baselineCommit = baseline ? gitHead(baseline) : undefined;
const files = argv.length > 0 ? argv : [(await ensureBenchClip()).path];
const results = [];
for (const f of files) results.push(await benchFile(f, refFrames));

const fmt = (n: number | undefined, d = 1): string =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(d);
for (const r of results) {
  const st = r.index.stageSeconds ?? {};
  console.log(`\n${r.file} (${r.width}x${r.height}, ${fmt(r.duration)} s)`);
  console.table({
    'decode only (ffmpeg -f null)': {
      seconds: fmt(r.decode.seconds, 2),
      'x decode': '1.00',
      'x real time': fmt(r.duration / r.decode.seconds),
      'peak RSS MB': fmt(r.decode.peakRssMb, 0),
      'cpu s': fmt(r.decode.cpuSeconds),
    },
    'sightline index (defaults)': {
      seconds: fmt(r.index.seconds, 2),
      'x decode': fmt(r.index.ratioToDecode, 2),
      'x real time': fmt(r.index.realTimeFactor, 2),
      'peak RSS MB': fmt(r.index.peakRssMb, 0),
      'cpu s': fmt(r.index.cpuSeconds),
    },
    ...(r.baseline
      ? {
          [`index, baseline ${baselineCommit ?? ''}`]: {
            seconds: fmt(r.baseline.seconds, 2),
            'x decode': fmt(r.baseline.ratioToDecode, 2),
            'x real time': fmt(r.baseline.realTimeFactor, 2),
            'peak RSS MB': fmt(r.baseline.peakRssMb, 0),
            'cpu s': fmt(r.baseline.cpuSeconds),
          },
        }
      : {}),
    'face-api reference (est.)': r.reference
      ? {
          seconds: fmt(r.reference.estSecondsAllFrames, 1),
          'x decode': fmt(r.reference.ratioToDecode, 1),
          'x real time': fmt(r.duration / r.reference.estSecondsAllFrames, 2),
          'peak RSS MB': '-',
          'cpu s': '-',
        }
      : { seconds: '-', 'x decode': '-', 'x real time': '-', 'peak RSS MB': '-', 'cpu s': '-' },
  });
  console.log(
    `frames ${r.index.frames ?? '-'} sampled, ${r.index.analysed ?? '-'} analysed; faces ${r.index.faces ?? '-'} in ${r.index.faceTracks ?? '-'} tracks; plates ${r.index.plates ?? '-'} in ${r.index.plateTracks ?? '-'} tracks`,
  );
  console.log(
    'stage seconds: ' +
      Object.entries(st)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(', '),
  );
  if (r.baseline)
    console.log(
      `baseline: faces ${r.baseline.faces ?? '-'} in ${r.baseline.faceTracks ?? '-'} tracks; plates ${r.baseline.plates ?? '-'} in ${r.baseline.plateTracks ?? '-'} tracks`,
    );
  if (r.reference)
    console.log(
      `reference: ${r.reference.frames} frames, ${fmt(r.reference.msPerFrame, 0)} ms/frame, ${r.reference.faces} faces`,
    );
}
await mkdir('bench-out', { recursive: true });
await writeFile(
  'bench-out/bench.json',
  JSON.stringify(
    {
      at: new Date().toISOString(),
      cpus: cpus().length,
      loadavg: loadavg(),
      ...(baseline ? { baseline: { checkout: baseline, commit: baselineCommit } } : {}),
      results,
    },
    null,
    2,
  ) + '\n',
);
console.log('\nwrote bench-out/bench.json');
