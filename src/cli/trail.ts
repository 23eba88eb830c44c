import { type Command, Option } from 'commander';
import { buildTrail, type Place } from '../core/trail.js';
import { Store } from '../store/store.js';
import {
  maxSpeedOption,
  parseMaxSpeed,
  readResults,
  resultsStore,
  resultsStoreOption,
  storePath,
  subjectResults,
} from './common.js';
import { safeText, table } from './output.js';

interface TrailOpts {
  store?: string;
  maxSpeed: string;
  subject?: string;
  json?: boolean;
}

/** `sightline trail <results.json>`: one subject's sightings in time order, with legs between cameras. */
export function registerTrail(program: Command): void {
  program
    .command('trail')
    .description("one subject's movement: its sightings in time order across cameras, with each leg's speed")
    .argument('<results.json>', 'a file written by `sightline search … --json`')
    .addOption(resultsStoreOption(': its camera register places the cameras'))
    .addOption(maxSpeedOption('legs faster than this are marked implausible'))
    .addOption(new Option('--subject <pattern|label>', 'which subject, when the results hold several'))
    .addOption(new Option('--json', '{ legs, results }: exportable with `sightline export`'))
    .action(async (resultsPath: string, opts: TrailOpts) => {
      const maxSpeed = parseMaxSpeed(opts.maxSpeed);
      const doc = await readResults(resultsPath);
      const results = subjectResults(doc, opts.subject, resultsPath);
      const store = await Store.open(storePath(resultsStore(opts.store, doc)), { create: false });
      let places: Map<string, Place & { name: string }>;
      try {
        places = await store.cameraMap();
      } finally {
        store.close();
      }
      const trail = buildTrail(results, places, maxSpeed);
      if (opts.json) {
        const out = {
          query: {
            ...doc.query,
            trail: { maxSpeedKmh: maxSpeed, ...(opts.subject ? { subject: opts.subject } : {}) },
          },
          legs: trail.legs,
          results: trail.results,
          unplaced: trail.unplaced,
        };
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
        return;
      }
      const name = (id: string): string => safeText(places.get(id)?.name ?? id);
      process.stdout.write(
        `${trail.results.length} sightings at ${new Set(trail.results.map((r) => r.camera)).size} cameras, ${trail.legs.length} legs` +
          (trail.unplaced ? ` (${trail.unplaced} sightings without a wall-clock time left out)` : '') +
          '\n',
      );
      if (trail.legs.length > 0)
        process.stdout.write(
          table(
            ['from', 'to', 'left', 'arrived', 'km', 'minutes', 'km/h', ''],
            trail.legs.map((l) => [
              name(l.fromCamera),
              name(l.toCamera),
              l.leftAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
              l.arrivedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
              l.distanceKm === null ? '?' : l.distanceKm.toFixed(1),
              (l.seconds / 60).toFixed(1),
              l.speedKmh === null ? '?' : Number.isFinite(l.speedKmh) ? l.speedKmh.toFixed(0) : '∞',
              l.implausible ? `IMPLAUSIBLE: ${l.reason ?? ''}` : '',
            ]),
          ) + '\n',
        );
      const unplacedCams = [...new Set(trail.results.map((r) => r.camera))].filter((c) => !places.has(c));
      if (unplacedCams.length > 0)
        process.stderr.write(
          `cameras not in the register (no distance or speed): ${unplacedCams.map(safeText).join(', ')}; add them with 'sightline cameras import'\n`,
        );
    });
}
