import { type Command, Option } from 'commander';
import { basename } from 'node:path';
import { parseIndexSettings } from '../config/settings.js';
import { PartialFailure, InputError, UsageError } from '../errors.js';
import { progressWanted } from '../infra/progress.js';
import { recognizerOf } from '../ml/face/calibration.js';
import { createFaceAnalyzer } from '../ml/face/index.js';
import { buildStages, pipelineVersion } from '../pipeline/default-stages.js';
import { type Alert, type WatchFace, watch } from '../pipeline/watch.js';
import { Store } from '../store/store.js';
import { storeOption, storePath } from './common.js';
import { c, safeText } from './output.js';
import { faceQueries, readFaceWatchlist, readPlateWatchlist } from './search.js';

interface WatchOpts {
  store: string;
  plates?: string;
  webhook?: string;
  webhookSecret?: string;
  json?: boolean;
  once?: boolean;
  settle: string;
  rescan: string;
  fps: string;
  faces?: string;
  indexFaces: boolean;
  indexPlates: boolean;
  vehicles: boolean;
}

function seconds(value: string, option: string, example: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(`${option} ${value} is not a number of seconds: e.g. ${option} ${example}`);
  return n;
}

/** An alert as one line a person reads. */
export function alertLine(a: Alert): string {
  const what =
    a.kind === 'plate'
      ? `plate ${a.entry}${a.reading && a.reading !== a.entry ? ` (read ${a.reading})` : ''}`
      : `person ${a.entry}`;
  const where = a.place && a.place.name !== a.camera ? `${a.place.name} (${a.camera})` : a.camera;
  return `ALERT ${what}${a.label ? ` [${a.label}]` : ''} at ${where}${a.boundary && a.boundary !== 'unknown' ? `, ${a.boundary}` : ''}, ${
    a.time ?? `+${a.evidence.offset.toFixed(1)} s into ${basename(a.evidence.source.path)}`
  }, score ${a.score.toFixed(2)}`;
}

/** `sightline watch <dir...>`: index footage as it lands and alert each watchlist hit once. */
export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('index footage as it lands (once a file is complete) and alert every watchlist hit once')
    .argument('<dir...>', 'folders to watch (recursively): an NVR export folder, a nightly copy')
    .addOption(storeOption())
    .addOption(
      new Option(
        '--plates <file>',
        "plate watchlist: one pattern a line, optional ',label' (as search plate)",
      ),
    )
    .addOption(
      new Option('--faces <dir>', 'face watchlist: one sub-folder of photos a person (as search face)'),
    )
    .addOption(
      new Option(
        '--webhook <url>',
        'POST each alert as JSON here (retried until taken; kept in the store meanwhile)',
      ),
    )
    .addOption(
      new Option(
        '--webhook-secret <secret>',
        'sign each POST: X-Sightline-Signature: sha256=<HMAC of the body>',
      ).env('SIGHTLINE_WEBHOOK_SECRET'),
    )
    .addOption(new Option('--json', 'NDJSON on stdout: one alert a line'))
    .addOption(new Option('--once', 'index what is there, sweep, deliver and exit (for cron)'))
    .addOption(
      new Option('--settle <seconds>', 'a file is taken once it has not changed for this long').default('5'),
    )
    .addOption(
      new Option('--rescan <seconds>', 'walk the folders again this often (shares drop events)').default(
        '30',
      ),
    )
    .addOption(new Option('--fps <n>', 'frames a second analysed').env('SIGHTLINE_FPS').default('2'))
    .addOption(new Option('--no-index-faces', 'index no faces (a plate watch on a slow machine)'))
    .addOption(new Option('--no-index-plates', 'index no plates'))
    .addOption(new Option('--no-vehicles', "skip the vehicle's type and colour"))
    .action(async (dirs: string[], opts: WatchOpts) => {
      if (!opts.plates && !opts.faces)
        throw new UsageError('give a watchlist: --plates <file> and/or --faces <dir>');
      const settleMs = seconds(opts.settle, '--settle', '5') * 1000;
      const rescanMs = Math.max(1000, seconds(opts.rescan, '--rescan', '30') * 1000);
      const fps = Number(opts.fps);
      if (!Number.isFinite(fps) || fps <= 0)
        throw new UsageError(`--fps ${opts.fps} is not a number: e.g. --fps 2`);
      let webhook: { url: string; secret?: string } | undefined;
      if (opts.webhook) {
        let url: URL;
        try {
          url = new URL(opts.webhook);
        } catch {
          throw new UsageError(
            `--webhook ${opts.webhook} is not a URL: e.g. --webhook http://127.0.0.1:8080/alerts`,
          );
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:')
          throw new UsageError(
            `--webhook ${opts.webhook} is not http(s): e.g. --webhook https://alerts.example/in`,
          );
        webhook = { url: url.toString(), ...(opts.webhookSecret ? { secret: opts.webhookSecret } : {}) };
      }
      const plates = opts.plates ? await readPlateWatchlist(opts.plates) : [];
      if (opts.faces && !opts.indexFaces)
        throw new UsageError('--faces needs faces indexed: drop --no-index-faces');
      if (opts.plates && !opts.indexPlates)
        throw new UsageError('--plates needs plates indexed: drop --no-index-plates');
      const settings = parseIndexSettings({
        sampling: { fps },
        faces: { enabled: opts.indexFaces },
        plates: { enabled: opts.indexPlates, vehicles: opts.vehicles },
      });
      const storeDir = storePath(opts.store);

      // face watchlist: described once, by the recogniser the store's faces were described with
      let faces: WatchFace[] = [];
      const warn = (line: string): void => void process.stderr.write(`${c.yellow(safeText(line))}\n`);
      if (opts.faces) {
        const people = await readFaceWatchlist(opts.faces);
        let held: string | undefined;
        try {
          const s = await Store.open(storeDir, { create: false });
          held = (await s.faceModelId()) ?? undefined;
          s.close();
        } catch {
          held = undefined;
        }
        const analyzer = await createFaceAnalyzer({
          recognizerId: held ? recognizerOf(held) : settings.faces.recognizer,
        });
        try {
          const q = await faceQueries(analyzer, people, { faceN: 1, strict: false });
          for (const p of q.problems) warn(`warning: ${p}`);
          faces = q.queries;
        } finally {
          analyzer.dispose();
        }
        if (faces.length === 0) throw new InputError(`face watchlist ${opts.faces} has no usable photo`);
      }

      const controller = new AbortController();
      let stops = 0;
      const stop = (): void => {
        stops++;
        if (stops > 1) process.exit(130);
        controller.abort();
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      const tty = progressWanted(Boolean(opts.json));
      let statusShown = false;
      const line = (text: string): void => {
        if (tty && statusShown) process.stderr.write('\r\x1b[2K');
        statusShown = false;
        process.stderr.write(`${text}\n`);
      };
      try {
        const summary = await watch({
          dirs,
          storeDir,
          settings,
          pipelineVersion: pipelineVersion(settings),
          stages: () => buildStages(settings),
          plates,
          faces,
          ...(webhook ? { webhook } : {}),
          once: Boolean(opts.once),
          settleMs,
          rescanMs,
          signal: controller.signal,
          onEvent: (e) => {
            switch (e.type) {
              case 'alert':
                if (opts.json) process.stdout.write(`${JSON.stringify(e.alert)}\n`);
                else process.stdout.write(`${safeText(alertLine(e.alert))}\n`);
                break;
              case 'indexed':
                line(
                  c.dim(
                    `indexed ${safeText(e.path)} (camera ${safeText(e.camera)}, ${e.plates} plate readings, ${e.faces} faces, ${e.seconds.toFixed(1)} s)`,
                  ),
                );
                break;
              case 'skipped':
                line(c.dim(`skipped ${safeText(e.path)}: ${safeText(e.reason)}`));
                break;
              case 'failed':
                line(
                  c.yellow(
                    `could not index ${safeText(e.path)}: ${safeText(e.reason)}; skipped until it changes`,
                  ),
                );
                break;
              case 'delivery-failed':
                line(
                  c.yellow(
                    `webhook did not take alert ${e.id} (${safeText(e.error)}); kept, next try in ${Math.round(e.retryInMs / 1000)} s`,
                  ),
                );
                break;
              case 'delivered':
                break;
              case 'status':
                if (tty) {
                  process.stderr.write(
                    `\r\x1b[2Kwatching ${dirs.length} folder${dirs.length === 1 ? '' : 's'} · ${e.waiting} waiting · ${
                      e.indexing ? `indexing ${safeText(basename(e.indexing))}` : 'idle'
                    } · ${e.alerts} alert${e.alerts === 1 ? '' : 's'}${webhook ? ` · ${e.pending} to deliver` : ''}`,
                  );
                  statusShown = true;
                }
                break;
            }
          },
        });
        if (tty && statusShown) process.stderr.write('\r\x1b[2K');
        if (opts.once && (summary.failed > 0 || summary.pending > 0))
          throw new PartialFailure(
            `${summary.failed} file(s) could not be indexed, ${summary.pending} alert(s) not yet delivered (kept in the store for the next run)`,
          );
      } finally {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
      }
    });
}
