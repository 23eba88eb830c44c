/**
 * Settling one vehicle's plate from many OCR readings (one per sampled frame). Pure.
 *
 * Readings of the same plate differ: a character missed in one frame, a 0 read as O in another,
 * a stray glyph from a bumper sticker in a third. We cluster the readings by weighted edit
 * distance, keep the biggest cluster (the plate; other clusters are other text), and within it
 * vote per position among readings of the cluster's modal length, each vote weighted by that
 * character's confidence.
 */
import { plateDistance } from './plate.js';

export interface VoteReading {
  /** Normalised text (A-Z, 0-9). */
  text: string;
  /** Confidence of each character of `text`. */
  charConfidences: readonly number[];
  /** Extra weight of the whole reading (e.g. crop size); default 1. */
  weight?: number;
}

export interface SettledPlate {
  text: string;
  /** Mean over positions of the winning share of the vote times the winners' mean confidence. */
  confidence: number;
  charConfidences: number[];
  /** Indices (into the input) of the readings in the winning cluster. */
  members: number[];
  /** Readings whose text equals the settled text exactly. */
  agreeing: number;
}

/** Readings further apart than this (weighted edits per character of the longer one) are different plates. */
export const CLUSTER_DISTANCE_PER_CHAR = 0.3;

function meanConf(r: VoteReading): number {
  if (r.charConfidences.length === 0) return 0;
  let s = 0;
  for (const c of r.charConfidences) s += c;
  return s / r.charConfidences.length;
}

/** Greedy clustering: each reading joins the first cluster whose seed it is close to. */
export function clusterReadings(readings: readonly VoteReading[]): number[][] {
  const order = readings
    .map((r, i) => ({ i, w: meanConf(r) * (r.weight ?? 1) }))
    .sort((a, b) => b.w - a.w)
    .map((o) => o.i);
  const clusters: number[][] = [];
  for (const i of order) {
    const r = readings[i];
    if (!r || r.text.length === 0) continue;
    let placed = false;
    for (const cl of clusters) {
      const seed = readings[cl[0] ?? 0];
      if (!seed) continue;
      const limit = Math.max(1, CLUSTER_DISTANCE_PER_CHAR * Math.max(seed.text.length, r.text.length));
      if (plateDistance(seed.text, r.text) <= limit) {
        cl.push(i);
        placed = true;
        break;
      }
    }
    if (!placed) clusters.push([i]);
  }
  return clusters;
}

/** Where `short` is `long` with exactly one character left out (that character's index), or -1. */
export function droppedAt(long: string, short: string): number {
  if (long.length !== short.length + 1) return -1;
  let i = 0;
  while (i < short.length && long[i] === short[i]) i++;
  return long.slice(i + 1) === short.slice(i) ? i : -1;
}

/** A longer reading's extra character must be read at least this surely to vote for its length. */
export const EXTRA_CHAR_MIN_CONFIDENCE = 0.9;

/** The settled plate of a set of readings, or null when there is none. */
export function settlePlate(readings: readonly VoteReading[]): SettledPlate | null {
  const clusters = clusterReadings(readings);
  if (clusters.length === 0) return null;
  const mass = (cl: number[]): number =>
    cl.reduce((s, i) => {
      const r = readings[i];
      return s + (r ? meanConf(r) * (r.weight ?? 1) : 0);
    }, 0);
  clusters.sort((a, b) => b.length - a.length || mass(b) - mass(a));
  const members = clusters[0] ?? [];

  // The plate's length: each reading votes for its own length, and half a vote for one more
  // when another member reads the same with one more character, read confidently (OCR drops a
  // character at a tight box's edge or in merged strokes: CCLV3 beside CCLVN3 is the same plate,
  // read short; a character added from an edge mark is read unsurely, and gets no such vote).
  // Ties go to the heavier length.
  const byLen = new Map<number, number>();
  for (const i of members) {
    const r = readings[i];
    if (!r) continue;
    const own = 1 + 1e-3 * meanConf(r) * (r.weight ?? 1);
    byLen.set(r.text.length, (byLen.get(r.text.length) ?? 0) + own);
    const longer = members.some((j) => {
      const t = readings[j];
      if (!t || t.text.length !== r.text.length + 1) return false;
      const at = droppedAt(t.text, r.text);
      return at >= 0 && (t.charConfidences[at] ?? 0) >= EXTRA_CHAR_MIN_CONFIDENCE;
    });
    if (longer) byLen.set(r.text.length + 1, (byLen.get(r.text.length + 1) ?? 0) + 0.5 * own);
  }
  let len = 0;
  let lenScore = -1;
  for (const [l, sc] of byLen) {
    if (sc > lenScore) {
      lenScore = sc;
      len = l;
    }
  }
  const voters = members
    .map((i) => readings[i])
    .filter((r): r is VoteReading => !!r && r.text.length === len);

  let text = '';
  const charConfidences: number[] = [];
  for (let pos = 0; pos < len; pos++) {
    const votes = new Map<string, { sum: number; n: number }>();
    let total = 0;
    for (const r of voters) {
      const ch = r.text[pos] ?? '';
      const c = (r.charConfidences[pos] ?? 0) * (r.weight ?? 1);
      const v = votes.get(ch) ?? { sum: 0, n: 0 };
      v.sum += c;
      v.n += 1;
      votes.set(ch, v);
      total += c;
    }
    let bestCh = '';
    let best = { sum: -1, n: 0 };
    for (const [ch, v] of votes) {
      if (v.sum > best.sum) {
        best = v;
        bestCh = ch;
      }
    }
    text += bestCh;
    const share = total > 0 ? best.sum / total : 0;
    // winners' mean (weighted) confidence, scaled by how much of the vote they carried
    charConfidences.push(Math.min(1, (best.sum / Math.max(1, best.n)) * share));
  }
  const confidence = charConfidences.length
    ? charConfidences.reduce((s, c) => s + c, 0) / charConfidences.length
    : 0;
  const agreeing = members.filter((i) => readings[i]?.text === text).length;
  return { text, confidence, charConfidences, members, agreeing };
}
