/**
 * What a face score means, per recogniser: the thresholds Sightline uses and the false-match rate
 * measured at each score on different-person comparisons (models/face-calibration.json, written
 * by `npm run eval -- faces --write-calibration`; docs/accuracy-faces.md says how). Scores of
 * different recognisers are not comparable; their strengths are.
 *
 * Two conditions are calibrated apart, because different people score very differently in them:
 * - 'cctv': a CCTV-like query (a crop of footage, a thumbnail: a small or soft face) against CCTV
 *   faces. Like against like: look-alikes filmed the same way score high (on the real clips two
 *   different men reached 0.67 with MobileFaceNet).
 * - 'photo': a photograph (a large, clear face) against CCTV faces. Across conditions different
 *   people score far lower (at most 0.30 measured against 40 px faces), and so does the same
 *   person, so the CCTV threshold would miss nearly every true sighting.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../../errors.js';

export interface FalseMatchPoint {
  /** A score (similarity) ... */
  score: number;
  /** ... the share of the measured different-person comparisons at or above it ... */
  rate: number;
  /** ... and how many they were. */
  count: number;
}

export type QueryCondition = 'cctv' | 'photo';

export interface ConditionCalibration {
  /** Default `search face` threshold (a sighting's score: mean of its 3 best faces vs the query). */
  search: number;
  /** What the false-match rates were measured on. */
  measuredOn: string;
  /** Different-person comparisons measured. */
  comparisons: number;
  /** Ascending scores with the false-match rate at each. */
  falseMatch: FalseMatchPoint[];
}

export interface FaceCalibration {
  recognizer: string;
  /**
   * A query face is CCTV-like when it is smaller than this (box height, photo pixels) or its
   * recogniser vector is shorter than `cctvBelowNorm` (soft, blurred or turned).
   */
  cctvBelowHeight: number;
  cctvBelowNorm: number;
  cctv: ConditionCalibration;
  photo: ConditionCalibration;
  /** Default `search recurring` threshold (track vs track, CCTV against CCTV). */
  cluster: number;
  /** Tracker: similarity that links a face near the track's last one. */
  trackNear: number;
  /** Tracker: similarity that links a face wherever it is. */
  trackAlone: number;
  /**
   * Tracker: how far (face widths a sample) a face may move and still be near. A recogniser whose
   * frame-to-frame similarity is noisy (MobileFaceNet on CCTV) has to lean on position more.
   */
  trackMoveWidths: number;
}

export type StrengthBand = 'strong' | 'moderate' | 'weak' | 'inconclusive';

export interface MatchStrength {
  band: StrengthBand;
  /** Measured false-match rate at this score: an upper bound (1 in n) where none was as high. */
  falseMatchRate: number;
  /** One sentence an examiner can quote. */
  statement: string;
}

/** The recogniser of new stores (MobileFaceNet 512-d). */
export const DEFAULT_RECOGNIZER_ID = 'faceplugin/mobilefacenet-512';

const FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'models',
  'face-calibration.json',
);
let cache: Record<string, FaceCalibration> | undefined;

export function readCalibrations(): Record<string, FaceCalibration> {
  cache ??= JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, FaceCalibration>;
  return cache;
}

/** The calibration of a recogniser, by its id or by a face model id that names it ('…+id'). */
export function faceCalibration(modelId: string): FaceCalibration {
  const all = readCalibrations();
  const key = Object.keys(all).find((k) => modelId === k || modelId.split('+').includes(k));
  if (!key) throw new InternalError(`models/face-calibration.json has no recogniser for '${modelId}'`);
  return all[key]!;
}

/** Which shipped recogniser made a face model id ('…+faceplugin/mobilefacenet-512'). */
export function recognizerOf(modelId: string | undefined): 'mobilefacenet' | 'face-api' {
  return modelId?.includes('face-api/face_recognition') ? 'face-api' : 'mobilefacenet';
}

/** The condition a query face is compared in (see the top of this file). */
export function queryCondition(
  cal: FaceCalibration,
  face: { height: number; norm: number | undefined },
): QueryCondition {
  return face.height < cal.cctvBelowHeight || (face.norm ?? 0) < cal.cctvBelowNorm ? 'cctv' : 'photo';
}

/** Rate at `score`: that of the highest measured point at or below it. */
export function falseMatchAt(cal: ConditionCalibration, score: number): { rate: number; count: number } {
  let at: FalseMatchPoint | undefined;
  for (const p of cal.falseMatch) if (p.score <= score) at = p;
  if (!at) return { rate: 1, count: cal.comparisons };
  return { rate: at.rate, count: at.count };
}

const fmt = (n: number): string => n.toLocaleString('en-GB');

/**
 * The strength of a match in words. Bands by the measured false-match rate (or, where no
 * different-person comparison scored as high, by its bound 1 in n): strong at or below 1 in 1,000,
 * moderate at or below 1 in 100, weak at or below 1 in 20, else inconclusive. A band is never
 * stronger than the number of comparisons measured can show.
 */
export function matchStrength(cal: ConditionCalibration, score: number): MatchStrength {
  const { rate, count } = falseMatchAt(cal, score);
  const n = Math.max(1, cal.comparisons);
  // with none measured as high, the rate is only known to be below 1 in n
  const bound = count === 0 ? 1 / n : rate;
  const band: StrengthBand =
    bound <= 0.001 ? 'strong' : bound <= 0.01 ? 'moderate' : bound <= 0.05 ? 'weak' : 'inconclusive';
  const measured =
    count === 0
      ? `none of ${fmt(n)} different-person comparisons (${cal.measuredOn}) scored this high: false-match rate below 1 in ${fmt(n)}`
      : `${fmt(count)} of ${fmt(n)} different-person comparisons (${cal.measuredOn}) scored this high: false-match rate about 1 in ${fmt(Math.max(1, Math.round(1 / rate)))}`;
  return { band, falseMatchRate: Math.round(bound * 1e6) / 1e6, statement: `${band} match; ${measured}` };
}
