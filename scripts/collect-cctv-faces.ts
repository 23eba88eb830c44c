/**
 * Collects every face candidate of the real CCTV clips (../shared/data/cctv, identities.csv) at
 * 4 frames a second, whole frames, with a low detector floor and no verification, and records for
 * each: the SSD score, the verifier's score, quality, both recognisers' vectors and the truth
 * (identity, 'nonface' where no face is visible, 'ambiguous' where two people are in view).
 * Writes eval-out/cctv-faces.json and a contact sheet per clip (eval-out/cctv-<clip>.png) to
 * look at. Internal test data: read in place, everything written goes under eval-out/.
 *
 *   npx tsx scripts/collect-cctv-faces.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { iou } from '../src/core/geometry.js';
import { probe, sampleFrames } from '../src/infra/ffmpeg.js';
import { createFaceAnalyzer, DEFAULT_FACE_ANALYZER_OPTIONS } from '../src/ml/face/index.js';
import { MOBILEFACENET_MIN_NORM } from '../src/ml/face/onnx/mobilefacenet.js';
import { faceLayout } from '../src/ml/face/quality.js';

const CCTV = process.env.SIGHTLINE_CCTV ?? '/work/shared/data/cctv';
const OUT = 'eval-out';

export interface Window {
  file: string;
  start: number;
  end: number;
  identity: string;
  visible: boolean;
}

export function readIdentities(dir = CCTV): Window[] {
  const lines = readFileSync(join(dir, 'identities.csv'), 'utf8').split(/\r?\n/).filter(Boolean).slice(1);
  return lines.map((l) => {
    const [file, s, e, identity, visible] = l.split(',');
    return {
      file: file!,
      start: Number(s),
      end: Number(e),
      identity: identity || '',
      visible: visible === 'frontal',
    };
  });
}

/** Who a face at `t` in `file` is: one identity in view, 'nonface' where no face is visible. */
export function truthAt(windows: Window[], file: string, t: number): string {
  const w = windows.filter((x) => x.file === file && t >= x.start - 0.25 && t <= x.end + 0.25);
  if (w.some((x) => !x.visible)) return 'nonface';
  if (w.length === 1) return w[0]!.identity;
  return w.length === 0 ? 'nobody' : 'ambiguous';
}

export interface CollectedFace {
  clip: string;
  offset: number;
  box: [number, number, number, number];
  score: number;
  verify: number;
  size: number;
  sharpness: number;
  yaw: number;
  pitch: number;
  norm: number;
  normF: number;
  landmarks: Array<[number, number]>;
  truth: string;
  /** Kept as a face by the default analyzer (detector floor, verifier, landmark layout). */
  kept: boolean;
  /** ... and identifiable (searched, clustered). */
  usable: boolean;
  vm: number[];
  vf: number[] | null;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const windows = readIdentities();
  const only = process.argv[2];
  const files = [...new Set(windows.map((w) => w.file))].filter((f) => !only || f.includes(only));
  const common = { minScore: 0.3, minVerify: 0, minNoseDrop: 0, minEyeSpan: 0, thumbnailSize: 64 };
  const am = await createFaceAnalyzer({ ...common, recognizerId: 'mobilefacenet' });
  const af = await createFaceAnalyzer({ ...common, recognizerId: 'face-api', verifier: null });
  const all: CollectedFace[] = [];
  for (const file of files) {
    const path = join(CCTV, file);
    const info = await probe(path);
    const thumbs: Buffer[] = [];
    for await (const f of sampleFrames(path, {
      fps: 4,
      maxWidth: 1920,
      width: info.width,
      height: info.height,
    })) {
      const dm = await am.analyzeFrame(f);
      const df = await af.analyzeFrame(f);
      for (const d of dm) {
        const twin = df.find((x) => iou(x.box, d.box) > 0.9);
        const o = DEFAULT_FACE_ANALYZER_OPTIONS;
        const l = faceLayout(d.landmarks, d.box);
        const kept =
          d.score >= o.minScore &&
          (d.verify ?? 0) >= o.minVerify &&
          l.noseDrop >= o.minNoseDrop &&
          l.eyeSpan >= o.minEyeSpan;
        const usable =
          kept && l.eyeSpan >= o.minMatchEyeSpan && (d.embeddingNorm ?? 0) >= MOBILEFACENET_MIN_NORM;
        all.push({
          clip: basename(file),
          offset: f.offset,
          box: d.box.map((v) => Math.round(v)) as [number, number, number, number],
          score: d.score,
          verify: d.verify ?? -1,
          size: d.quality.size,
          sharpness: d.quality.sharpness,
          yaw: d.quality.yaw,
          pitch: d.quality.pitch,
          norm: d.embeddingNorm ?? -1,
          normF: twin?.embeddingNorm ?? -1,
          landmarks: d.landmarks.map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10]),
          truth: truthAt(windows, file, f.offset),
          kept,
          usable,
          vm: Array.from(d.descriptor),
          vf: twin ? Array.from(twin.descriptor) : null,
        });
        if (d.thumbnail)
          thumbs.push(
            await labelled(
              d.thumbnail,
              `${all.length - 1} ${d.score.toFixed(2)} v${(d.verify ?? -1).toFixed(2)}`,
            ),
          );
      }
    }
    if (thumbs.length > 0) await sheet(thumbs, join(OUT, `cctv-${basename(file).replace(/\.\w+$/, '')}.png`));
    console.log(`${file}: ${all.filter((a) => a.clip === basename(file)).length} candidates`);
  }
  writeFileSync(join(OUT, `cctv-faces${only ? '-' + only : ''}.json`), JSON.stringify(all));
  am.dispose();
  af.dispose();
}

/** A 96 px tile of a face thumbnail with a line of text under it, for contact sheets. */
export async function labelled(jpeg: Buffer, text: string): Promise<Buffer> {
  const img = await sharp(jpeg).resize(96, 96, { fit: 'contain', background: '#000' }).toBuffer();
  const svg = Buffer.from(
    `<svg width="96" height="112"><rect y="96" width="96" height="16" fill="#000"/><text x="2" y="108" font-size="10" fill="#ff0" font-family="DejaVu Sans">${text}</text></svg>`,
  );
  return sharp({ create: { width: 96, height: 112, channels: 3, background: '#000' } })
    .composite([
      { input: img, top: 0, left: 0 },
      { input: svg, top: 0, left: 0 },
    ])
    .png()
    .toBuffer();
}

/** Tiles on a grid of 12 columns, as a PNG to look at. */
export async function sheet(tiles: Buffer[], path: string): Promise<void> {
  const cols = 12;
  const rows = Math.ceil(tiles.length / cols);
  await sharp({ create: { width: cols * 96, height: rows * 112, channels: 3, background: '#222' } })
    .composite(tiles.map((t, i) => ({ input: t, left: (i % cols) * 96, top: Math.floor(i / cols) * 112 })))
    .png()
    .toFile(path);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
