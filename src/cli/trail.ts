import { type Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { plainText } from '../core/escape.js';
import { buildTrail, type Place } from '../core/trail.js';
import { InputError, UsageError } from '../errors.js';
import { parseSearchDocumentText } from '../export/schema.js';
import { Store } from '../store/store.js';
import { maxSpeedOption, parseMaxSpeed, resultsStore, storePath } from './common.js';
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
    .addOption(
      new Option(
        '--store <dir>',
        'the store (default: the one the results file was searched in): its camera register places the cameras',
      ).env('SIGHTLINE_STORE'),
    )
    .addOption(maxSpeedOption('legs faster than this are marked implausible'))
    .addOption(new Option('--subject <pattern|label>', 'which subject, when the results hold several'))
    .addOption(new Option('--json', '{ legs, results }: exportable with `sightline export`'))
    .action(async (resultsPath: string, opts: TrailOpts) => {
      const maxSpeed = parseMaxSpeed(opts.maxSpeed);
      let text: string;
      try {
        text = await readFile(resultsPath, 'utf8');
      } catch (err) {
        throw new InputError(
          `cannot read ${plainText(resultsPath)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}; give the file 'sightline search … --json' wrote`,
        );
      }
      const doc = parseSearchDocumentText(text, plainText(resultsPath));
      const subjectOf = (r: (typeof doc.results)[number]): string =>
        (r as { label?: string }).label ?? r.pattern ?? '';
      const subjects = [...new Set(doc.results.map(subjectOf))];
      let results = doc.results;
      if (opts.subject !== undefined) {
        results = results.filter((r) => subjectOf(r) === opts.subject || r.pattern === opts.subject);
        if (results.length === 0)
          throw new UsageError(
            `no sighting of ${opts.subject} in ${plainText(resultsPath)}: subjects are ${subjects.join(', ')}`,
          );
      } else if (subjects.length > 1)
        throw new UsageError(
          `${plainText(resultsPath)} holds ${subjects.length} subjects (${subjects.slice(0, 5).join(', ')}${subjects.length > 5 ? ', …' : ''}): choose one with --subject`,
        );
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
