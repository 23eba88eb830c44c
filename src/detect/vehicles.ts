/**
 * Vehicle type and colour for plate readings: for each confident reading of a plate not looked at
 * lately, the vehicle detector sees a square around the plate; the detected vehicle that carries
 * the plate gives its type, its body pixels the colour. The look is attached to the reading.
 */
import type { Box, Frame, PlateReading } from '../core/types.js';
import {
  lookArea,
  recentLook,
  NO_VEHICLE_HOLD_SECONDS,
  vehicleColour,
  vehicleOfPlate,
  type LookMemo,
} from '../core/vehicle.js';
import type { VehicleDetector } from '../ml/vehicle/nanodet.js';

/** Readings less confident than this are not worth a look (signs, half-read plates). */
export const LOOK_MIN_CONFIDENCE = 0.6;

export interface VehicleLooker {
  beginSource(): void;
  /**
   * Adds `vehicle` to the readings (source pixels) of this frame that get a look; returns the
   * readings to keep: a `needsVehicle` reading only with a vehicle (seen now, or on a look at that
   * place moments ago that found one).
   */
  look(frame: Frame, readings: PlateReading[]): Promise<PlateReading[]>;
}

/** `detector` is asked for at the first look (loading the model costs time and memory). */
export function createVehicleLooker(detector: () => Promise<VehicleDetector>): VehicleLooker {
  let memos: LookMemo[] = [];
  return {
    beginSource() {
      memos = [];
    },
    async look(frame, readings) {
      const sx = frame.sourceWidth / frame.width;
      const sy = frame.sourceHeight / frame.height;
      const keep: PlateReading[] = [];
      for (const r of readings) {
        if (r.confidence < LOOK_MIN_CONFIDENCE) {
          if (!r.needsVehicle) keep.push(r);
          continue;
        }
        const recent = recentLook(memos, r.box, frame.offset);
        if (recent) {
          if (!r.needsVehicle || recent.found) keep.push(r);
          continue;
        }
        const memo: LookMemo = { offset: frame.offset, box: r.box, found: false };
        memos.push(memo);
        const plate: Box = [r.box[0] / sx, r.box[1] / sy, r.box[2] / sx, r.box[3] / sy];
        const img = { data: frame.data, width: frame.width, height: frame.height };
        const dets = await (await detector()).detect(img, lookArea(plate, frame.width, frame.height));
        const v = vehicleOfPlate(plate, dets);
        if (!v) {
          if (r.needsVehicle) memo.holds = NO_VEHICLE_HOLD_SECONDS;
          else keep.push(r);
          continue;
        }
        memo.found = true;
        const colour = vehicleColour(img, v.box, plate);
        r.vehicle = {
          type: v.type,
          score: v.scores[v.type] ?? v.score,
          colour: colour?.colour ?? null,
          colourShare: colour?.share ?? 0,
        };
        keep.push(r);
      }
      return keep;
    },
  };
}
