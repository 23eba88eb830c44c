/**
 * Plates that cannot be one vehicle: the same plate where one vehicle cannot be (two cameras
 * faster than a plausible speed, or two places at once), on two different types of vehicle, or a
 * reading that fits no plate format of its camera's region. A cloned or fake plate, or a
 * misreading: every flag is a lead to check by eye. Pure.
 */
import { MAX_AUTO_SWAPS, PLATE_FORMATS, fitsRegion, settleFormat } from './plate-format.js';
import { buildTrail, type Leg, type Place, type Timed } from './trail.js';

export interface PlateSighting extends Timed {
  trackId: string;
  /** The settled reading of the track, as stored. */
  text: string;
  vehicleType: string | null;
  vehicleConfidence: number;
}

export interface PlateFlag {
  /** The plate, written in a plate format where one look-alike swap makes the reading fit one. */
  plate: string;
  /** The readings it was seen as (several when look-alikes were read differently). */
  readings: string[];
  kind: 'speed' | 'simultaneous' | 'vehicle' | 'format';
  reason: string;
  sightings: PlateSighting[];
  leg?: Leg;
}

/** Vehicle types below this confidence are not held against a plate. */
export const FLAG_MIN_VEHICLE_CONFIDENCE = 0.3;

/**
 * The plate a reading stands for: the camera's region format when the register names one, else
 * any known format one look-alike swap away (LSI5EBC is no plate anywhere; LS15EBC is a British
 * one), else the reading as it is.
 */
export function plateOf(text: string, region: string | null): string {
  return region ? settleFormat(text, [region]).text : settleFormat(text, 'auto', MAX_AUTO_SWAPS).text;
}

const readAs = (plate: string, readings: readonly string[]): string => {
  const other = readings.filter((r) => r !== plate);
  return other.length > 0 ? ` (read as ${other.join(', ')})` : '';
};

/**
 * Flags of the plates of `sightings`. Readings are grouped by the plate they stand for
 * (plateOf), so one plate read with a look-alike slip at one camera is still one plate.
 * `regions` gives a camera's plate region (register tag `region:gb`); a reading at such a
 * camera that fits none of its formats is flagged.
 */
export function plateFlags(
  sightings: readonly PlateSighting[],
  places: ReadonlyMap<string, Place>,
  maxSpeedKmh = 200,
  regions: ReadonlyMap<string, string> = new Map(),
): PlateFlag[] {
  const byPlate = new Map<string, PlateSighting[]>();
  for (const s of sightings) {
    const plate = plateOf(s.text, regions.get(s.camera) ?? null);
    const list = byPlate.get(plate);
    if (list) list.push(s);
    else byPlate.set(plate, [s]);
  }
  const flags: PlateFlag[] = [];
  for (const [plate, list] of [...byPlate].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const readings = [...new Set(list.map((s) => s.text))].sort();
    const named = `${plate}${readAs(plate, readings)}`;
    const trail = buildTrail(list, places, maxSpeedKmh);
    for (const leg of trail.legs) {
      if (!leg.implausible) continue;
      flags.push({
        plate,
        readings,
        kind: leg.simultaneous ? 'simultaneous' : 'speed',
        reason: `${named} at ${leg.fromCamera} and ${leg.toCamera}: ${leg.reason ?? 'implausible'}${
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
        readings,
        kind: 'vehicle',
        reason: `${named} seen on a ${types.join(' and on a ')}`,
        sightings: typed,
      });
    const misfits = new Map<string, PlateSighting[]>();
    for (const s of list) {
      const region = regions.get(s.camera);
      if (!region || (PLATE_FORMATS[region] ?? []).length === 0 || fitsRegion(plate, [region])) continue;
      misfits.set(s.camera, [...(misfits.get(s.camera) ?? []), s]);
    }
    for (const [camera, seen] of misfits)
      flags.push({
        plate,
        readings,
        kind: 'format',
        reason: `${named} at ${camera} fits no ${regions.get(camera) ?? ''} plate format: a foreign, fake or misread plate`,
        sightings: seen,
      });
  }
  return flags;
}
