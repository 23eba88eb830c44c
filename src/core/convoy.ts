/**
 * Travelling together (convoy analysis, as police ANPR analysts do it): the others seen with a
 * subject, within ±N seconds of its sightings, at two or more cameras. One shared camera is
 * chance (a busy junction at rush hour); the same companion beside the subject at several
 * cameras is a pattern worth a look. Pure: the caller finds the co-sightings and their identity.
 */

export interface CoSighting {
  /** Who the companion is: a plate, or a face cluster's key. */
  key: string;
  /** Which of the subject's sightings it was seen with (index into the subject's sightings). */
  with: number;
  camera: string;
  trackId: string;
  startTime: string;
  endTime: string;
}

export interface SubjectSighting {
  camera: string;
  startTime: string;
  endTime: string;
}

export interface SharedSighting extends CoSighting {
  /** Seconds between the two sightings (0 when they overlap in time). */
  gapSeconds: number;
}

export interface Companion {
  key: string;
  /** Distinct cameras where it was seen with the subject. */
  cameras: string[];
  /** Distinct subject sightings it accompanied. */
  times: number;
  /** The shared sightings, in time order: the nearest in time per subject sighting. */
  shared: SharedSighting[];
}

const ms = (iso: string): number => Date.parse(iso);

/** Seconds between two spans (0 when they overlap). */
export function gapSeconds(
  a: { startTime: string; endTime: string },
  b: { startTime: string; endTime: string },
): number {
  const gap = Math.max(ms(b.startTime) - ms(a.endTime), ms(a.startTime) - ms(b.endTime), 0);
  return Math.round(gap / 100) / 10;
}

/**
 * The companions of a subject: co-sightings within `withinSeconds` of a subject sighting,
 * grouped by key, kept when at `minCameras` or more distinct cameras; most cameras, then most
 * shared sightings, then smallest total gap first.
 */
export function companions(
  subject: readonly SubjectSighting[],
  seen: readonly CoSighting[],
  withinSeconds: number,
  minCameras = 2,
): Companion[] {
  const byKey = new Map<string, Map<number, SharedSighting>>();
  for (const s of seen) {
    const mine = subject[s.with];
    if (!mine) continue;
    const gap = gapSeconds(mine, s);
    if (gap > withinSeconds) continue;
    let per = byKey.get(s.key);
    if (!per) byKey.set(s.key, (per = new Map()));
    const prev = per.get(s.with);
    if (!prev || gap < prev.gapSeconds) per.set(s.with, { ...s, gapSeconds: gap });
  }
  const out: Companion[] = [];
  for (const [key, per] of byKey) {
    const shared = [...per.values()].sort((a, b) => ms(a.startTime) - ms(b.startTime));
    const cameras = [...new Set(shared.map((s) => s.camera))].sort();
    if (cameras.length < minCameras) continue;
    out.push({ key, cameras, times: shared.length, shared });
  }
  const total = (c: Companion): number => c.shared.reduce((a, s) => a + s.gapSeconds, 0);
  return out.sort(
    (a, b) =>
      b.cameras.length - a.cameras.length ||
      b.times - a.times ||
      total(a) - total(b) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}
