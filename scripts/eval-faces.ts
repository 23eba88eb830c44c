/**
 * Face accuracy evaluation: verification pairs from /work/shared/data/faces (or SIGHTLINE_FACE_DATA)
 * and small-face detection recall on a composed 1080p frame. Prints tables, writes
 * eval-out/faces.json. The photos are licensed for internal testing only: read in place, never copied.
 *
 *   npx tsx scripts/eval-faces.ts [--recognizer face-api] [--skip-recall] [--skip-pairs]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { iou } from '../src/core/geometry.js';
import type { FaceDetection } from '../src/core/types.js';
import { cosine } from '../src/core/vector.js';
import { createFaceAnalyzer, type FaceAnalyzer } from '../src/ml/face/index.js';
import { faceCalibration } from '../src/ml/face/calibration.js';
import { composeFaceFrame, demoSample, type FaceSource } from '../src/ml/face/synthetic.js';

const DATA = process.env.SIGHTLINE_FACE_DATA ?? '/work/shared/data/faces';
const args = new Set(process.argv.slice(2));

interface Pair {
  set: string;
  a: string;
  b: string;
  same: boolean;
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (const ch of line) {
    if (ch === '"') q = !q;
    else if (ch === ',' && !q) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function readPairs(): Pair[] {
  const pairs: Pair[] = [];
  for (const set of readdirSync(DATA).sort()) {
    const file = join(DATA, set, 'pairs.csv');
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter(Boolean).slice(1);
    for (const l of lines) {
      const [a, b, same] = parseCsvLine(l);
      if (a && b) pairs.push({ set, a: join(DATA, set, a), b: join(DATA, set, b), same: same === '1' });
    }
  }
  return pairs;
}

export interface Roc {
  far: number;
  tar: number;
  threshold: number;
}

/** TAR at the lowest threshold whose FAR is <= target (thresholds are the observed scores). */
function tarAtFar(genuine: number[], impostor: number[], target: number): Roc {
  const imp = [...impostor].sort((x, y) => y - x);
  // threshold just above the k-th highest impostor score, k = floor(target * n)
  const k = Math.floor(target * imp.length);
  const threshold = k < imp.length ? (imp[k] as number) + 1e-6 : -1;
  const far = impostor.filter((s) => s >= threshold).length / impostor.length;
  const tar = genuine.filter((s) => s >= threshold).length / genuine.length;
  return { far, tar, threshold };
}

function eer(genuine: number[], impostor: number[]): { eer: number; threshold: number } {
  const cands = [...new Set([...genuine, ...impostor])].sort((x, y) => x - y);
  let best = { eer: 1, threshold: 0, gap: Infinity };
  for (const t of cands) {
    const frr = genuine.filter((s) => s < t).length / genuine.length;
    const far = impostor.filter((s) => s >= t).length / impostor.length;
    if (Math.abs(frr - far) < best.gap)
      best = { eer: (frr + far) / 2, threshold: t, gap: Math.abs(frr - far) };
  }
  return { eer: best.eer, threshold: best.threshold };
}

function largest(faces: FaceDetection[]): FaceDetection | undefined {
  return [...faces].sort((x, y) => y.box[2] * y.box[3] - x.box[2] * x.box[3])[0];
}

/** Each photo's largest face as a query photo is read: full size. */
async function portraitDescriptors(
  analyzer: FaceAnalyzer,
  files: string[],
): Promise<{ desc: Map<string, Float32Array | null>; ms: number[] }> {
  const desc = new Map<string, Float32Array | null>();
  const ms: number[] = [];
  let n = 0;
  for (const f of files) {
    const t0 = performance.now();
    const face = largest(await analyzer.analyzeImage(readFileSync(f)));
    ms.push(performance.now() - t0);
    desc.set(f, face?.descriptor ?? null);
    if (++n % 20 === 0) process.stderr.write(`  ${n}/${files.length} photos\n`);
  }
  return { desc, ms };
}

/**
 * Each photo's face as CCTV shows one: pasted 40-60 px high (with its head and hair) into a
 * 1920x1080 frame of 16 faces, the frame blurred (sigma 0.8) and JPEG-compressed at quality 35,
 * then analysed as a video frame. A face the index would not find or not match (unusable) has no
 * descriptor: such a pair is counted as skipped.
 */
async function degradedDescriptors(
  analyzer: FaceAnalyzer,
  files: string[],
  reference: FaceAnalyzer,
): Promise<{ desc: Map<string, Float32Array | null>; ms: number[] }> {
  const desc = new Map<string, Float32Array | null>();
  const ms: number[] = [];
  const sources: Array<{ file: string; src: FaceSource }> = [];
  for (const f of files) {
    const image = readFileSync(f);
    const face = largest(await reference.analyzeImage(image));
    if (face) sources.push({ file: f, src: { image, box: face.box } });
    else desc.set(f, null);
  }
  const per = 16;
  for (let k = 0; k < sources.length; k += per) {
    const batch = sources.slice(k, k + per);
    const sizes = batch.map((_, i) => 40 + ((k + i) % 6) * 4);
    const { frame, truth } = await composeFaceFrame(
      batch.map((b) => b.src),
      sizes,
      { background: readFileSync(demoSample(4)) },
    );
    const jpeg = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
      .blur(0.8)
      .jpeg({ quality: 35 })
      .toBuffer();
    const data = await sharp(jpeg).removeAlpha().raw().toBuffer();
    const t0 = performance.now();
    const faces = await analyzer.analyzeFrame({ ...frame, data });
    ms.push(performance.now() - t0);
    truth.forEach((t, i) => {
      const hit = faces.find((f) => iou(f.box, t.box) >= 0.3 && f.usable !== false);
      desc.set(batch[i]!.file, hit?.descriptor ?? null);
    });
  }
  return { desc, ms };
}

type Descriptors = { desc: Map<string, Float32Array | null>; ms: number[] };

/**
 * The shared pairs in one condition: 'portrait' (photo against photo), 'photo-cctv' (the first
 * photo as a query photo against the second as CCTV shows it: the 'photo' condition of
 * src/ml/face/calibration.ts) or 'cctv' (both as CCTV shows them: the 'cctv' condition).
 */
function evalPairs(
  analyzer: FaceAnalyzer,
  kind: 'portrait' | 'photo-cctv' | 'cctv',
  portrait: Descriptors,
  degraded: Descriptors,
): unknown {
  const pairs = readPairs();
  const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const first = kind === 'cctv' ? degraded : portrait;
  const second = kind === 'portrait' ? portrait : degraded;
  const ms = first.ms;
  const noFace = files
    .filter((f) => first.desc.get(f) === null || second.desc.get(f) === null)
    .map((f) => f.slice(DATA.length + 1));
  const genuine: number[] = [];
  const impostor: number[] = [];
  let skipped = 0;
  for (const p of pairs) {
    const a = first.desc.get(p.a);
    const b = second.desc.get(p.b);
    if (!a || !b) {
      skipped++;
      continue;
    }
    (p.same ? genuine : impostor).push(cosine(a, b));
  }
  const r2 = tarAtFar(genuine, impostor, 1e-2);
  const r3 = tarAtFar(genuine, impostor, 1e-3);
  const e = eer(genuine, impostor);
  const cal = faceCalibration(analyzer.modelId);
  const threshold = kind === 'cctv' ? cal.cctv.search : cal.photo.search;
  const atDefault = {
    threshold,
    far: impostor.filter((s) => s >= threshold).length / impostor.length,
    tar: genuine.filter((s) => s >= threshold).length / genuine.length,
  };
  const q = (arr: number[], p: number): number => {
    const s = [...arr].sort((x, y) => x - y);
    return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  };
  console.log(`\nVerification, ${kind} (${analyzer.modelId}, backend ${analyzer.backend})`);
  console.log(
    `photos ${files.length}, no face found in ${noFace.length}; pairs ${genuine.length} genuine + ${impostor.length} impostor scored, ${skipped} skipped`,
  );
  console.table([
    { point: 'FAR<=1e-2', ...fmt(r2) },
    { point: 'FAR<=1e-3', ...fmt(r3) },
    { point: 'EER', far: e.eer.toFixed(4), tar: (1 - e.eer).toFixed(4), threshold: e.threshold.toFixed(4) },
    { point: 'DEFAULT', ...fmt(atDefault) },
  ]);
  console.log(
    `genuine cosine p5/p50 ${q(genuine, 0.05).toFixed(3)}/${q(genuine, 0.5).toFixed(3)}; impostor p50/p99/max ${q(impostor, 0.5).toFixed(3)}/${q(impostor, 0.99).toFixed(3)}/${Math.max(...impostor).toFixed(3)}`,
  );
  console.log(`analyzeImage: median ${q(ms, 0.5).toFixed(0)} ms per photo`);
  return {
    kind,
    modelId: analyzer.modelId,
    backend: analyzer.backend,
    genuineScores: genuine,
    impostorScores: impostor,
    photos: files.length,
    noFace,
    genuine: genuine.length,
    impostor: impostor.length,
    skipped,
    tarAtFar1e2: r2,
    tarAtFar1e3: r3,
    eer: e,
    atDefault,
    genuineQuantiles: { p5: q(genuine, 0.05), p50: q(genuine, 0.5) },
    impostorQuantiles: { p50: q(impostor, 0.5), p99: q(impostor, 0.99), max: Math.max(...impostor) },
    msPerPhotoMedian: q(ms, 0.5),
  };
}

function fmt(r: { far: number; tar: number; threshold: number }): Record<string, string> {
  return { far: r.far.toFixed(4), tar: r.tar.toFixed(4), threshold: r.threshold.toFixed(4) };
}

async function faceSources(analyzer: FaceAnalyzer): Promise<FaceSource[]> {
  const out: FaceSource[] = [];
  for (const n of [1, 2, 3, 5, 6]) {
    const image = readFileSync(demoSample(n));
    for (const f of await analyzer.analyzeImage(image)) if (f.score > 0.9) out.push({ image, box: f.box });
  }
  return out;
}

/** Deterministic shuffle (a fixed LCG), so every run composes the same frames. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed;
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = Math.floor((state / 2147483648) * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function evalRecall(modes: Array<[string, FaceAnalyzer]>): Promise<unknown> {
  const sources = await faceSources(modes[0]![1]);
  const sizes = [24, 28, 32, 36, 40, 48, 64, 80, 96, 128];
  const perSize = 3;
  const frames = 8;
  // every frame: the same sizes at other places, with other faces (small faces are found or not
  // depending on where they fall on the detector's anchor grid: one layout is too few)
  const composed = [];
  for (let f = 0; f < frames; f++) {
    const layout = shuffled(
      sizes.flatMap((s) => Array.from({ length: perSize }, () => s)),
      f + 1,
    );
    composed.push(
      await composeFaceFrame(shuffled(sources, 100 + f), layout, { background: readFileSync(demoSample(4)) }),
    );
  }
  const rows: Array<Record<string, string | number>> = [];
  const result: Record<string, unknown> = {};
  for (const [name, a] of modes) {
    const found = new Map<number, [number, number]>(sizes.map((s) => [s, [0, 0]]));
    const usable = new Map<number, number>(sizes.map((s) => [s, 0]));
    let falsePos = 0;
    let ms = 0;
    for (const { frame, truth } of composed) {
      const t0 = performance.now();
      const faces = await a.analyzeFrame(frame);
      ms += performance.now() - t0;
      for (const t of truth) {
        const n = found.get(t.size)!;
        const hit = faces.find((f) => iou(f.box, t.box) >= 0.3);
        n[0] += hit ? 1 : 0;
        n[1]++;
        if (hit && hit.usable !== false) usable.set(t.size, usable.get(t.size)! + 1);
      }
      falsePos += faces.filter((f) => !truth.some((t) => iou(f.box, t.box) >= 0.3)).length;
    }
    const bySize: Record<number, number> = {};
    const usableBySize: Record<number, number> = {};
    for (const s of sizes) {
      bySize[s] = found.get(s)![0] / found.get(s)![1];
      usableBySize[s] = usable.get(s)! / found.get(s)![1];
    }
    rows.push({
      mode: name,
      // found / of them usable for matching
      ...Object.fromEntries(
        sizes.map((s) => [`${s}px`, `${bySize[s]!.toFixed(2)}/${usableBySize[s]!.toFixed(2)}`]),
      ),
      falsePos,
      'ms/frame': Math.round(ms / frames),
    });
    result[name] = {
      bySize,
      usableBySize,
      falsePositives: falsePos,
      msPerFrame: ms / frames,
      frames,
      perSize,
    };
  }
  console.log(
    `\nDetection recall by face height (found / usable for matching): ${frames} composed 1920x1080 frames, ${perSize * frames} faces per size`,
  );
  console.table(rows);
  return result;
}

async function main(): Promise<void> {
  const analyzer = await createFaceAnalyzer();
  const out: Record<string, unknown> = { date: new Date().toISOString() };
  if (!args.has('--skip-pairs')) {
    const faceApi = await createFaceAnalyzer({ recognizerId: 'face-api' });
    out.verification = [];
    const files = [...new Set(readPairs().flatMap((p) => [p.a, p.b]))];
    for (const a of [analyzer, faceApi]) {
      const portrait = await portraitDescriptors(a, files);
      const degraded = await degradedDescriptors(a, files, analyzer);
      for (const kind of ['portrait', 'photo-cctv', 'cctv'] as const)
        (out.verification as unknown[]).push(evalPairs(a, kind, portrait, degraded));
    }
    faceApi.dispose();
  }
  if (!args.has('--skip-recall')) {
    const modes: Array<[string, FaceAnalyzer]> = [
      ['default: SSD >= 0.5, verified, MobileFaceNet', analyzer],
      [
        'no verification (0.2.0)',
        await createFaceAnalyzer({ verifier: null, minNoseDrop: 0, minEyeSpan: 0 }),
      ],
      ['SSD >= 0.4, verified', await createFaceAnalyzer({ minScore: 0.4 })],
      ['SSD >= 0.3, verified', await createFaceAnalyzer({ minScore: 0.3 })],
      [
        'SSD >= 0.3, verified, 1.0x (tileSize 512)',
        await createFaceAnalyzer({ minScore: 0.3, tiling: { tileSize: 512, overlap: 128 } }),
      ],
    ];
    out.recall = await evalRecall(modes);
    for (const [, a] of modes.slice(1)) a.dispose();
  }
  analyzer.dispose();
  mkdirSync('eval-out', { recursive: true });
  writeFileSync('eval-out/faces.json', JSON.stringify(out, null, 2));
  console.log('\nwrote eval-out/faces.json');
}

await main();
