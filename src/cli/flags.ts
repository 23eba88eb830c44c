import type { Command } from 'commander';
import { Option } from 'commander';
import { plateRegions } from '../core/cameras.js';
import { plateFlags, type PlateSighting } from '../core/flags.js';
import { Store } from '../store/store.js';
import {
  addWindowOptions,
  maxSpeedOption,
  parseMaxSpeed,
  parseWindow,
  storeOption,
  storePath,
  windowQuery,
  type WindowOpts,
} from './common.js';
import { safeText, table } from './output.js';

interface FlagsOpts extends WindowOpts {
  store: string;
  maxSpeed: string;
  json?: boolean;
}

/** `sightline flags`: plates that cannot be one vehicle (cloned or fake plates, or misreadings). */
export function registerFlags(program: Command): void {
  addWindowOptions(program.command('flags'))
    .description(
      "plates that cannot be one vehicle: the same plate too fast between cameras, at two at once, on two vehicle types, or fitting no format of its camera's region",
    )
    .addOption(storeOption())
    .addOption(maxSpeedOption('a plate seen faster than this between two cameras is flagged'))
    .addOption(new Option('--json', '{ query, flags: [ { plate, kind, reason, sightings } ] }'))
    .action(async (opts: FlagsOpts) => {
      const maxSpeed = parseMaxSpeed(opts.maxSpeed);
      const window = parseWindow(opts);
      const store = await Store.open(storePath(opts.store), { create: false });
      try {
        const places = await store.cameraMap();
        const sightings: PlateSighting[] = (await store.plateTracks({}, window))
          .filter((t) => t.text)
          .map((t) => ({
            trackId: t.id,
            text: t.text ?? '',
            camera: t.camera,
            startTime: t.start_time,
            endTime: t.end_time,
            vehicleType: t.vehicle_type,
            vehicleConfidence: t.vehicle_confidence,
          }));
        const regions = plateRegions(places);
        const flags = plateFlags(sightings, places, maxSpeed, regions);
        if (opts.json) {
          process.stdout.write(
            JSON.stringify(
              {
                query: {
                  kind: 'flags',
                  maxSpeedKmh: maxSpeed,
                  ...windowQuery(opts),
                  store: store.dir,
                  time: new Date().toISOString(),
                },
                flags,
              },
              null,
              2,
            ) + '\n',
          );
          return;
        }
        if (flags.length === 0) {
          process.stdout.write('no plate flagged\n');
          return;
        }
        process.stdout.write(
          table(
            ['plate', 'kind', 'reason'],
            flags.map((f) => [safeText(f.plate), f.kind, safeText(f.reason)]),
          ) + '\n',
        );
      } finally {
        store.close();
      }
    });
}
