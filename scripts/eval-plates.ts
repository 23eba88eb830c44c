/**
 * Plate reading accuracy on the OpenALPR end-to-end benchmark (shared half) and the
 * yolov4-custom-functions photos and video. Data stays where it is (licensed for internal
 * testing only); nothing is copied into the repo.
 *
 *   npx tsx scripts/eval-plates.ts [--det 960] [--unclip 1.3] [--cls] [--no-merge]
 *                                  [--min-conf 0.5] [--regions us,eu,br] [--no-video] [--out eval-out/plates.json]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readRgb, decodeImage, type PlateReaderOptions } from '../src/detect/plates.js';
import { loadPaddleOcr } from '../src/ml/ocr/paddle.js';
import { matchPlate, normalisePlate } from '../src/core/plate.js';
import { trackPlates, type FrameReadings } from '../src/track/plates.js';
import { settlePlate } from '../src/core/plate-vote.js';
import { iou } from '../src/core/geometry.js';
import type { Box, PlateReading } from '../src/core/types.js';
import { probe, sampleFrames } from '../src/infra/ffmpeg.js';

const DATA = '/work/shared/data/plates';
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const cfg: PlateReaderOptions = {
  detLimitSide: Number(arg('--det') ?? 960),
  unclipRatio: Number(arg('--unclip') ?? 1.3),
  useCls: args.includes('--cls'),
  mergeLines: !args.includes('--no-merge'),
  minConfidence: Number(arg('--min-conf') ?? 0.5),
  crops: false,
  threads: Number(arg('--threads') ?? 2),
  recMinWidth: Number(arg('--rec-min-width') ?? 0),
};
const regions = (arg('--regions') ?? 'us,eu,br').split(',').filter(Boolean);
const outPath = arg('--out') ?? 'eval-out/plates.json';

interface Row {
  file: string;
  plate: string;
  box: Box | null;
}

function readCsv(path: string): Row[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [file = '', plate = '', x, y, w, h] = l.split(',');
    const box: Box | null = x && y && w && h ? [Number(x), Number(y), Number(w), Number(h)] : null;
    return { file, plate: normalisePlate(plate), box };
  });
}

interface ImageResult {
  file: string;
  truth: string;
  best: string | null;
  atBox: string | null;
  any: boolean;
  readings: Array<{ text: string; confidence: number; box: Box }>;
  ms: number;
}

const ocr = await loadPaddleOcr({
  threads: cfg.threads ?? 2,
  useCls: cfg.useCls ?? false,
});

// component timings on a sample, for the docs
const timing = {
  detMs: [] as number[],
  recMs: [] as number[],
  imageMs: [] as number[],
};

async function evalRegion(name: string, dir: string, rows: Row[]) {
  const results: ImageResult[] = [];
  for (const row of rows) {
    const img = await decodeImage(readFileSync(join(dir, row.file)));
    const t0 = performance.now();
    const readings = await readRgb(ocr, img, cfg);
    const ms = performance.now() - t0;
    timing.imageMs.push(ms);
    let atBox: PlateReading | null = null;
    if (row.box) {
      let bestIou = 0.05;
      for (const r of readings) {
        const o = iou(r.box, row.box);
        if (o > bestIou) {
          bestIou = o;
          atBox = r;
        }
      }
    }
    results.push({
      file: row.file,
      truth: row.plate,
      best: readings[0]?.text ?? null,
      atBox: atBox?.text ?? null,
      any: readings.some((r) => r.text === row.plate),
      readings: readings.map((r) => ({
        text: r.text,
        confidence: r.confidence,
        box: r.box.map((v) => Math.round(v)) as Box,
      })),
      ms,
    });
  }
  // top-3 search recall: search each truth plate against every reading of every image
  let top3 = 0;
  let top1 = 0;
  for (const q of results) {
    const ranked = results
      .map((r) => {
        let cost = Infinity;
        let conf = 0;
        for (const rd of r.readings) {
          const m = matchPlate(q.truth, rd.text);
          if (m && (m.cost < cost || (m.cost === cost && rd.confidence > conf))) {
            cost = m.cost;
            conf = rd.confidence;
          }
        }
        return { file: r.file, cost, conf };
      })
      .filter((r) => Number.isFinite(r.cost))
      .sort((a, b) => a.cost - b.cost || b.conf - a.conf);
    const rank = ranked.findIndex((r) => r.file === q.file);
    if (rank >= 0 && rank < 3) top3++;
    if (rank === 0) top1++;
  }
  const n = results.length;
  const exact = results.filter((r) => r.best === r.truth).length;
  const exactAtBox = results.filter((r) => r.atBox === r.truth).length;
  const any = results.filter((r) => r.any).length;
  // O/0 and I/1 are drawn alike in several plate fonts (and the ground truth is not always sure)
  const loose = (x: string | null): string => (x ?? '').replace(/O/g, '0').replace(/I/g, '1');
  const exactLoose = results.filter((r) => r.best !== null && loose(r.best) === loose(r.truth)).length;
  return {
    region: name,
    images: n,
    exact: exact / n,
    exactAtBox: exactAtBox / n,
    exactLoose: exactLoose / n,
    anyReading: any / n,
    top1: top1 / n,
    top3: top3 / n,
    meanMsPerImage: results.reduce((s, r) => s + r.ms, 0) / n,
    results,
  };
}

function confusions(results: ImageResult[]) {
  const subs = new Map<string, number>();
  let lengthErrors = 0;
  let missed = 0;
  for (const r of results) {
    const read = r.atBox ?? r.best;
    if (!read) {
      missed++;
      continue;
    }
    if (read === r.truth) continue;
    if (read.length !== r.truth.length) {
      lengthErrors++;
      continue;
    }
    for (let i = 0; i < read.length; i++) {
      if (read[i] !== r.truth[i]) {
        const k = `${r.truth[i]}→${read[i]}`;
        subs.set(k, (subs.get(k) ?? 0) + 1);
      }
    }
  }
  return {
    substitutions: [...subs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15),
    lengthErrors,
    missed,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

const regionReports = [];
for (const region of regions) {
  const rows = readCsv(join(DATA, 'openalpr_endtoend', `${region}.csv`));
  regionReports.push(await evalRegion(region, join(DATA, 'openalpr_endtoend', region), rows));
}
const yoloRows = readCsv(join(DATA, 'yolov4_custom_functions', 'images.csv'));
const yolo = await evalRegion('yolov4-images', join(DATA, 'yolov4_custom_functions', 'images'), yoloRows);

// component timings: detector alone and one recognition, on the first 20 US images
for (const row of readCsv(join(DATA, 'openalpr_endtoend', 'us.csv')).slice(0, 20)) {
  const img = await decodeImage(readFileSync(join(DATA, 'openalpr_endtoend', 'us', row.file)));
  let t = performance.now();
  const boxes = await ocr.detect(img, {
    limitSide: cfg.detLimitSide ?? 960,
    unclipRatio: cfg.unclipRatio ?? 1.3,
  });
  timing.detMs.push(performance.now() - t);
  const b = boxes[0];
  if (b) {
    const { cropRgb } = await import('../src/ml/ocr/paddle.js');
    const crop = cropRgb(img, b.x, b.y, b.w, b.h);
    t = performance.now();
    await ocr.recognise(crop);
    timing.recMs.push(performance.now() - t);
  }
}

// videos: sample, read, track, settle
async function evalVideo(path: string, truths: string[], fps: number): Promise<Record<string, unknown>> {
  const info = await probe(path);
  const frames: FrameReadings[] = [];
  const t0 = performance.now();
  let frameMs = 0;
  for await (const f of sampleFrames(path, {
    fps,
    maxWidth: 1280,
    width: info.width,
    height: info.height,
  })) {
    const t = performance.now();
    const readings = await readRgb(ocr, { data: f.data, width: f.width, height: f.height }, cfg);
    frameMs += performance.now() - t;
    frames.push({ frame: f.index, offset: f.offset, pts: f.pts, readings });
  }
  const tracks = trackPlates(frames);
  return {
    path,
    truths,
    fps,
    frames: frames.length,
    wallMs: Math.round(performance.now() - t0),
    msPerFrame: Math.round(frameMs / Math.max(1, frames.length)),
    framesWithTruth: frames.filter((f) => f.readings.some((r) => truths.includes(r.text))).length,
    tracks: tracks.map((t) => ({
      text: t.text,
      confidence: Number(t.confidence.toFixed(3)),
      start: t.startOffset,
      end: t.endOffset,
      readings: t.readings.length,
      agreeing: t.agreeing,
    })),
    settledAll: settlePlate(
      frames.flatMap((f) =>
        f.readings.map((r) => ({
          text: r.text,
          charConfidences: r.charConfidences,
        })),
      ),
    )?.text,
    perFrame: frames.map((f) => f.readings.map((r) => r.text).join('|')),
  };
}
const videos: Array<Record<string, unknown>> = [];
if (!args.includes('--no-video')) {
  videos.push(
    await evalVideo(join(DATA, 'yolov4_custom_functions', 'video', 'license_plate.mp4'), ['LS15EBC'], 5),
  );
  const street = 'fixtures/generated/cam-street/ch01_20230801110500.mp4';
  if (existsSync(street)) videos.push(await evalVideo(street, ['LE21ABC', 'KX68TYP'], 2));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor(s.length / 2)] ?? 0) : 0;
};
const allResults = regionReports.flatMap((r) => r.results);
const report = {
  config: cfg,
  models: ocr.ids,
  timing: {
    detMsMedian: Math.round(median(timing.detMs)),
    recMsMedian: Math.round(median(timing.recMs)),
    imageMsMedian: Math.round(median(timing.imageMs)),
  },
  regions: regionReports.map(({ results: _r, ...rest }) => rest),
  yoloImages: {
    ...yolo,
    results: yolo.results.map((r) => ({
      file: r.file,
      truth: r.truth,
      readings: r.readings,
    })),
  },
  confusions: confusions(allResults),
  videos,
  details: regionReports.map((r) => ({
    region: r.region,
    wrong: r.results
      .filter((x) => x.best !== x.truth)
      .map((x) => ({
        file: x.file,
        truth: x.truth,
        best: x.best,
        atBox: x.atBox,
      })),
  })),
};

console.log(
  `config det=${cfg.detLimitSide} unclip=${cfg.unclipRatio} cls=${cfg.useCls} merge=${cfg.mergeLines} minConf=${cfg.minConfidence} recMinWidth=${cfg.recMinWidth}`,
);
console.log('region          images  exact   O0/I1   exact@box  any     top1    top3    ms/image');
for (const r of [...regionReports, yolo]) {
  console.log(
    `${r.region.padEnd(15)} ${String(r.images).padStart(6)}  ${pct(r.exact).padEnd(7)} ${pct(r.exactLoose).padEnd(7)} ${pct(r.exactAtBox).padEnd(10)} ${pct(r.anyReading).padEnd(7)} ${pct(r.top1).padEnd(7)} ${pct(r.top3).padEnd(7)} ${r.meanMsPerImage.toFixed(0)}`,
  );
}
console.log(
  `timing (median): det ${report.timing.detMsMedian} ms, rec ${report.timing.recMsMedian} ms a line, whole image ${report.timing.imageMsMedian} ms`,
);
const conf = report.confusions;
console.log(`confusions (truth→read): ${conf.substitutions.map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`length errors ${conf.lengthErrors}, no reading ${conf.missed}`);
for (const v of videos) console.log('video', JSON.stringify({ ...v, perFrame: undefined }));
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, JSON.stringify(report, null, 2));
console.log(`wrote ${outPath}`);
await ocr.dispose();
