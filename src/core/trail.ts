/**
 * One subject's movement: its sightings in time order across cameras, each step between two
 * cameras a leg with distance, time and implied speed. Pure.
 */
import type { SearchResult, TrailLeg } from './types.js';

/** Mean Earth radius (km), as the haversine formula uses it. */
const EARTH_KM = 6371.0088;

/** Great-circle distance between two points (degrees), km. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

export interface Place {
  lat: number;
  lon: number;
  name?: string;
}

/** A leg as a trail document carries it (TrailLeg), with where in the trail its two sightings are. */
export interface Leg extends TrailLeg {
  /** Index (into the trail's results) of the sighting the leg starts at and ends at. */
  from: number;
  to: number;
  /** The two sightings overlap in time: two places at once. */
  simultaneous: boolean;
}

/** What a trail needs of a sighting: its camera and wall-clock span. */
export type Timed = Pick<SearchResult, 'camera' | 'startTime' | 'endTime'>;

export interface Trail<T extends Timed = SearchResult> {
  /** The sightings with a wall-clock time, in time order. */
  results: T[];
  legs: Leg[];
  /** Sightings left out: no wall-clock time to place them. */
  unplaced: number;
}

const at = (iso: string | null): number => (iso ? Date.parse(iso) : NaN);

/**
 * The trail of a subject's sightings: sorted by start time, consecutive sightings at different
 * cameras joined by a leg; a leg faster than `maxSpeedKmh`, or between two cameras whose sightings
 * overlap in time, is implausible.
 */
export function buildTrail<T extends Timed>(
  results: readonly T[],
  places: ReadonlyMap<string, Place>,
  maxSpeedKmh = 200,
): Trail<T> {
  const placed = results.filter((r) => Number.isFinite(at(r.startTime)));
  const sorted = [...placed].sort(
    (a, b) => at(a.startTime) - at(b.startTime) || (a.camera < b.camera ? -1 : a.camera > b.camera ? 1 : 0),
  );
  const legs: Leg[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a.camera === b.camera) continue;
    const left = at(a.endTime ?? a.startTime);
    const arrived = at(b.startTime);
    const seconds = Math.max(0, (arrived - left) / 1000);
    const pa = places.get(a.camera);
    const pb = places.get(b.camera);
    const km = pa && pb ? distanceKm(pa.lat, pa.lon, pb.lat, pb.lon) : null;
    const speed = km === null ? null : seconds > 0 ? (km / seconds) * 3600 : km > 0 ? Infinity : 0;
    const together = arrived < left;
    const tooFast = speed !== null && speed > maxSpeedKmh;
    legs.push({
      fromCamera: a.camera,
      toCamera: b.camera,
      from: i - 1,
      to: i,
      leftAt: new Date(left).toISOString(),
      arrivedAt: new Date(arrived).toISOString(),
      distanceKm: km === null ? null : Math.round(km * 1000) / 1000,
      seconds: Math.round(seconds * 10) / 10,
      speedKmh: speed === null || !Number.isFinite(speed) ? speed : Math.round(speed * 10) / 10,
      implausible: together || tooFast,
      simultaneous: together,
      ...(together
        ? { reason: `seen at ${a.camera} and ${b.camera} at the same time` }
        : tooFast
          ? {
              reason: `${Number.isFinite(speed) ? Math.round(speed!) : '∞'} km/h is over ${maxSpeedKmh} km/h`,
            }
          : {}),
    });
  }
  return { results: sorted, legs, unplaced: results.length - placed.length };
}
