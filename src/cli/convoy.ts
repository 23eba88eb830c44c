import { type Command, Option } from 'commander';
import { plateRegions } from '../core/cameras.js';
import { UsageError } from '../errors.js';
import { DEFAULT_RECOGNIZER_ID, faceCalibration } from '../ml/face/calibration.js';
import { findConvoy } from '../search/convoy.js';
import { placeResults } from '../search/results.js';
import { Store } from '../store/store.js';
import { readResults, resultsStore, resultsStoreOption, storePath, subjectResults } from './common.js';
import { safeText, table } from './output.js';

interface ConvoyOpts {
  store?: string;
  within: string;
  minCameras: string;
  subject?: string;
  threshold?: string;
  json?: boolean;
}

function positive(value: string, option: string, example: string, integer = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(
      `${option} ${value} is not a positive ${integer ? 'whole number' : 'number'}: e.g. ${option} ${example}`,
    );
  return n;
}

/** `sightline convoy <results.json>`: who travelled with a subject (convoy analysis). */
export function registerConvoy(program: Command): void {
  program
    .command('convoy')
    .description(
      'travelling together: the plates and people seen within ±N seconds of a subject (one plate or person of a results file) at two or more cameras',
    )
    .argument('<results.json>', 'a file written by `sightline search … --json` (or `trail --json`)')
    .addOption(resultsStoreOption(''))
    .addOption(
      new Option('--within <seconds>', 'seen this close in time to a sighting of the subject').default('60'),
    )
    .addOption(new Option('--min-cameras <n>', 'at this many cameras or more').default('2'))
    .addOption(new Option('--subject <pattern|label>', 'which subject, when the results hold several'))
    .addOption(
      new Option(
        '--threshold <x>',
        "face similarity for two tracks to be one companion (default: recurring's)",
      ),
    )
    .addOption(new Option('--json', '{ query, companions, results }: exportable with `sightline export`'))
    .action(async (resultsPath: string, opts: ConvoyOpts) => {
      const within = positive(opts.within, '--within', '60');
      const minCameras = positive(opts.minCameras, '--min-cameras', '2', true);
      const given = opts.threshold === undefined ? undefined : Number(opts.threshold);
      if (given !== undefined && !(Number.isFinite(given) && given > -1 && given < 1))
        throw new UsageError(
          `--threshold ${opts.threshold} is not a similarity between -1 and 1: e.g. --threshold 0.7`,
        );
      const doc = await readResults(resultsPath);
      const subject = subjectResults(doc, opts.subject, resultsPath);
      const store = await Store.open(storePath(resultsStore(opts.store, doc)), { create: false });
      try {
        const cameras = await store.cameraMap();
        const regions = plateRegions(cameras);
        const faceThreshold =
          given ?? faceCalibration((await store.faceModelId()) ?? DEFAULT_RECOGNIZER_ID).cluster;
        const found = await findConvoy(store, subject, {
          withinSeconds: within,
          minCameras,
          faceThreshold,
          regions,
        });
        if (opts.json) {
          process.stdout.write(
            JSON.stringify(
              {
                query: {
                  ...doc.query,
                  convoy: {
                    withinSeconds: within,
                    minCameras,
                    faceThreshold,
                    subjectSightings: found.subjectSightings,
                    ...(opts.subject ? { subject: opts.subject } : {}),
                  },
                },
                companions: found.companions.map((c) => ({
                  kind: c.kind,
                  label: c.label,
                  ...(c.readings ? { readings: c.readings } : {}),
                  cameras: c.cameras,
                  times: c.times,
                  shared: c.shared.map(({ with: w, camera, trackId, startTime, endTime, gapSeconds }) => ({
                    subjectSighting: w,
                    camera,
                    trackId,
                    startTime,
                    endTime,
                    gapSeconds,
                  })),
                })),
                results: placeResults(found.results, cameras),
              },
              null,
              2,
            ) + '\n',
          );
          return;
        }
        if (found.companions.length === 0) {
          process.stdout.write(
            `no plate or person seen within ${within} s of the subject's ${found.subjectSightings} sightings at ${minCameras} or more cameras\n`,
          );
          return;
        }
        process.stdout.write(
          table(
            ['companion', 'kind', 'cameras', 'times', 'gaps (s)'],
            found.companions.map((c) => [
              safeText(c.label) +
                (c.readings && c.readings.some((r) => r !== c.label)
                  ? ` (read ${c.readings.map(safeText).join(', ')})`
                  : ''),
              c.kind,
              c.cameras.map((id) => safeText(cameras.get(id)?.name ?? id)).join(', '),
              String(c.times),
              c.shared.map((s) => s.gapSeconds.toFixed(0)).join(', '),
            ]),
          ) + '\n',
        );
      } finally {
        store.close();
      }
    });
}
