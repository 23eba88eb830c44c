/**
 * Writes the false-match tables of models/face-calibration.json from the different-person
 * comparisons the face evaluations measured (run them first: `npm run eval -- faces`):
 *
 * - 'cctv' condition (a CCTV-like query against CCTV faces): the shared portrait pairs with both
 *   photos as CCTV shows them (eval-out/faces.json, kind 'cctv': 40-60 px, blurred, JPEG q35), and
 *   on the real clips each face as a query against each certainly different person's 3 best faces
 *   as one sighting (eval-out/faces-cctv.json);
 * - 'photo' condition (a photograph against CCTV faces): the shared pairs with the first photo as a
 *   query photo and the second as CCTV shows it (kind 'photo-cctv'), and photo against photo.
 *
 * The thresholds (search, cluster, tracker) stay as they are in the file: they are chosen by reading
 * these tables (docs/accuracy-faces.md), not fitted by this script.
 *
 *   npx tsx scripts/calibrate-faces.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { FaceCalibration, FalseMatchPoint } from '../src/ml/face/calibration.js';

const FILE = 'models/face-calibration.json';

interface Verification {
  kind: 'portrait' | 'photo-cctv' | 'cctv';
  modelId: string;
  impostorScores: number[];
}

function table(scores: number[]): FalseMatchPoint[] {
  const n = scores.length;
  const out: FalseMatchPoint[] = [];
  for (let k = 0; k <= 100; k++) {
    const score = Math.round(k) / 100;
    const count = scores.filter((s) => s >= score).length;
    out.push({ score, rate: Math.round((count / n) * 1e6) / 1e6, count });
  }
  return out;
}

const cal = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, FaceCalibration>;
const faces = JSON.parse(readFileSync('eval-out/faces.json', 'utf8')) as { verification: Verification[] };
const cctv = JSON.parse(readFileSync('eval-out/faces-cctv.json', 'utf8')) as {
  recognisers: Record<string, { sightingImpostors: number[] }>;
};
const realKey: Record<string, string> = {
  'faceplugin/mobilefacenet-512': 'mobilefacenet',
  'face-api/face_recognition': 'face-api',
};
for (const [id, c] of Object.entries(cal)) {
  const of = (kind: Verification['kind']): number[] =>
    faces.verification.find((v) => v.kind === kind && v.modelId.endsWith(id))?.impostorScores ?? [];
  const real = cctv.recognisers[realKey[id]!]?.sightingImpostors ?? [];
  const cctvScores = [...of('cctv'), ...real];
  const photoScores = [...of('photo-cctv'), ...of('portrait')];
  c.cctv = {
    ...c.cctv,
    measuredOn: `${of('cctv').length} shared-photo pairs as 40-60 px CCTV faces and ${real.length} real CCTV face-vs-sighting comparisons`,
    comparisons: cctvScores.length,
    falseMatch: table(cctvScores),
  };
  c.photo = {
    ...c.photo,
    measuredOn: `${of('photo-cctv').length} shared-photo pairs as photo against 40-60 px CCTV face and ${of('portrait').length} as photo against photo`,
    comparisons: photoScores.length,
    falseMatch: table(photoScores),
  };
  console.log(
    `${id}: cctv ${cctvScores.length} comparisons, max ${Math.max(...cctvScores).toFixed(3)}; photo ${photoScores.length}, max ${Math.max(...photoScores).toFixed(3)}`,
  );
}
writeFileSync(FILE, JSON.stringify(cal, null, 2) + '\n');
console.log(`wrote ${FILE}`);
