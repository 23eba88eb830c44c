/**
 * Plates that cannot be one vehicle: the same plate where one vehicle cannot be (two cameras
 * faster than a plausible speed, or two places at once), or on two different types of vehicle.
 * A cloned or fake plate, or a misreading: every flag is a lead to check by eye. Pure.
 */
import { buildTrail, type Leg, type Place, type Timed } from './trail.js';

export interface PlateSighting extends Timed {
  trackId: string;
  text: string;
  vehicleType: string | null;
  vehicleConfidence: number;
}

export interface PlateFlag {
  plate: string;
  kind: 'speed' | 'simultaneous' | 'vehicle';
  reason: string;
  sightings: PlateSighting[];
  leg?: Leg;
}

/** Vehicle types below this confidence are not held against a plate. */
export const FLAG_MIN_VEHICLE_CONFIDENCE = 0.3;

/** Flags of every settled plate text seen at least twice. */
export function plateFlags(
  sightings: readonly PlateSighting[],
  places: ReadonlyMap<string, Place>,
  maxSpeedKmh = 200,
): PlateFlag[] {
  const byPlate = new Map<string, PlateSighting[]>();
  for (const s of sightings) {
    const list = byPlate.get(s.text);
    if (list) list.push(s);
    else byPlate.set(s.text, [s]);
  }
  const flags: PlateFlag[] = [];
  for (const [plate, list] of [...byPlate].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (list.length < 2) continue;
    const trail = buildTrail(list, places, maxSpeedKmh);
    for (const leg of trail.legs) {
      if (!leg.implausible) continue;
      flags.push({
        plate,
        kind: leg.simultaneous ? 'simultaneous' : 'speed',
        reason: `${plate} at ${leg.fromCamera} and ${leg.toCamera}: ${leg.reason ?? 'implausible'}${
          leg.distanceKm !== null ? ` (${leg.distanceKm.toFixed(1)} km in ${Math.round(leg.seconds)} s)` : ''
        }`,
        sightings: [trail.results[leg.from]!, trail.results[leg.to]!],
        leg,
      });
    }
    const typed = list.filter((s) => s.vehicleType && s.vehicleConfidence >= FLAG_MIN_VEHICLE_CONFIDENCE);
    const types = [...new Set(typed.map((s) => s.vehicleType))];
    if (types.length > 1)
      flags.push({
        plate,
        kind: 'vehicle',
        reason: `${plate} seen on a ${types.join(' and on a ')}`,
        sightings: typed,
      });
  }
  return flags;
}
