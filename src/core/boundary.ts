/**
 * Boundary cameras (register tag `boundary`) watch the ways into and out of an area (a city's
 * ring of ANPR cameras, a site's gates). A sighting at one says the subject entered or left:
 * from the camera's own direction when the register says it (tag `entry` or `exit`: a camera
 * that watches one carriageway), else from the subject's other sightings in the results: seen
 * inside only after the boundary, it entered; only before, it left. Pure.
 */
import type { Camera } from './cameras.js';
import type { Timed } from './trail.js';

export type Crossing = 'entered' | 'left' | 'unknown';

export interface Crossed extends Timed {
  /** The subject: a plate pattern or a person's label (one subject's sightings decide together). */
  subject: string;
}

const at = (iso: string | null): number => (iso ? Date.parse(iso) : NaN);

/** Whether a register entry marks a boundary camera. */
export function isBoundary(c: Pick<Camera, 'tags'> | undefined): boolean {
  return Boolean(c?.tags.some((t) => t.toLowerCase() === 'boundary'));
}

/**
 * For each sighting, its crossing when its camera is a boundary camera (else null): 'unknown'
 * when neither the camera's direction nor the subject's other sightings tell.
 */
export function crossings(
  sightings: readonly Crossed[],
  cameras: ReadonlyMap<string, Pick<Camera, 'tags'>>,
): Array<Crossing | null> {
  return sightings.map((s) => {
    const cam = cameras.get(s.camera);
    if (!isBoundary(cam)) return null;
    const tags = new Set(cam!.tags.map((t) => t.toLowerCase()));
    if (tags.has('entry') && !tags.has('exit')) return 'entered';
    if (tags.has('exit') && !tags.has('entry')) return 'left';
    const t0 = at(s.startTime);
    const t1 = at(s.endTime ?? s.startTime);
    if (!Number.isFinite(t0)) return 'unknown';
    let before = false;
    let after = false;
    for (const o of sightings) {
      if (o === s || o.subject !== s.subject || isBoundary(cameras.get(o.camera))) continue;
      const ot = at(o.startTime);
      if (!Number.isFinite(ot)) continue;
      if (at(o.endTime ?? o.startTime) < t0) before = true;
      else if (ot > t1) after = true;
    }
    return after && !before ? 'entered' : before && !after ? 'left' : 'unknown';
  });
}
