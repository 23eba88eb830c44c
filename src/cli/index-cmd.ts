import { type Command, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { parseStartOption } from '../core/time.js';
import { parseIndexSettings } from '../config/settings.js';
import { PLATE_REGIONS } from '../core/plate-format.js';
import { PartialFailure, UsageError } from '../errors.js';
import { indexProgress, progressWanted, type IndexProgress } from '../infra/progress.js';
import { buildStages, pipelineVersion } from '../pipeline/default-stages.js';
import { runIndex, type IndexEvent } from '../pipeline/index-run.js';
import { queueIndex } from '../pipeline/queue-run.js';
import { queueConnection } from '../infra/queue.js';
import { runSelf } from '../infra/child.js';
import { discover } from '../ingest/discover.js';
import { WriteLock } from '../store/lock.js';
import { Store } from '../store/store.js';
import { storeOption, storePath } from './common.js';
import { c, formatDuration, printJsonLine, safeText } from './output.js';

interface IndexOpts {
  store: string;
  camera?: string;
  start?: string;
  json?: boolean;
  fps: string;
  maxWidth: string;
  faces: boolean;
  plates: boolean;
  vehicles: boolean;
  motion: boolean;
  device: string;
  faceRecognizer: string;
  plateRegion: string;
  queue?: string;
  wait?: boolean;
  jobs: string;
  sharedStore?: boolean;
}

export function registerIndex(program: Command): void {
  program
    .command('index')
    .description('index video files or folders (recursive): every face and plate, with camera and time')
    .argument('<path...>', 'video files or folders')
    .addOption(storeOption())
    .addOption(
      new Option('--camera <id>', 'camera id for every file given (default: from folder or file name)'),
    )
    .addOption(
      new Option(
        '--start <iso8601>',
        "wall-clock time of the first frame, where the file's metadata and name hold none (without a zone: the camera's register time zone, else UTC)",
      ),
    )
    .addOption(new Option('--json', 'NDJSON events on stdout, one object a line'))
    .addOption(
      new Option(
        '--queue <redis-url>',
        'put one job a file on this queue for `sightline worker`s instead of indexing here',
      ),
    )
    .addOption(
      new Option('--wait', 'with --queue: follow the jobs to their end (exit codes as for a local index)'),
    )
    .addOption(
      new Option(
        '--jobs <n>',
        'index this many files at once, each in its own process (default: a job per 2 cores)',
      )
        .env('SIGHTLINE_JOBS')
        .default(String(DEFAULT_JOBS)),
    )
    .addOption(
      new Option('--shared-store', 'other processes write this store too (set by --jobs)').hideHelp(),
    )
    .addOption(new Option('--fps <n>', 'frames a second analysed').env('SIGHTLINE_FPS').default('2'))
    .addOption(new Option('--max-width <px>', 'analyse frames scaled down to this width').default('1920'))
    .addOption(new Option('--no-faces', 'skip face detection'))
    .addOption(new Option('--no-plates', 'skip plate reading'))
    .addOption(
      new Option('--no-vehicles', "skip the vehicle's type and colour (about 0.4 s a vehicle on 2 cores)"),
    )
    .addOption(new Option('--no-motion', 'analyse every sampled frame whole (no motion gating; slower)'))
    .addOption(
      new Option('--device <device>', 'where the face nets run: cpu, gpu (tfjs-node-gpu), or auto')
        .choices(['auto', 'cpu', 'gpu'])
        .env('SIGHTLINE_DEVICE')
        .default('cpu'),
    )
    .addOption(
      new Option(
        '--face-recognizer <name>',
        "face vectors: mobilefacenet (512-d, measured best on CCTV) or face-api (128-d, the 0.2 recogniser); one store holds one recogniser's",
      )
        .choices(['mobilefacenet', 'face-api'])
        .env('SIGHTLINE_FACE_RECOGNIZER')
        .default('mobilefacenet'),
    )
    .addOption(
      new Option(
        '--plate-region <code>',
        `plate formats settled readings are written in: auto (inferred per file from its readings), none, or ${PLATE_REGIONS.join(', ')}`,
      )
        .env('SIGHTLINE_PLATE_REGION')
        .default('auto'),
    )
    .addHelpText(
      'after',
      `
Examples:
  sightline index footage/                       every video under footage/, camera = folder name
  sightline index cam3.mp4 --camera gate --start 2023-08-01T11:00:00Z
  sightline index footage/ --json > index.ndjson  events for scripts`,
    )
    .action(async (paths: string[], opts: IndexOpts) => {
      await indexAction(paths, opts);
    });
}

async function indexAction(paths: string[], opts: IndexOpts): Promise<void> {
  let start: string | undefined;
  if (opts.start !== undefined) {
    // checked here; read in each camera's zone (when it has none) as each file is indexed
    start = parseStartOption(opts.start) ? opts.start : undefined;
    if (!start)
      throw new UsageError(
        `--start ${opts.start} is not a date-time: use ISO 8601, e.g. 2023-08-01T11:00:00Z`,
      );
  }
  const fps = Number(opts.fps);
  const maxWidth = Number(opts.maxWidth);
  if (!Number.isFinite(fps)) throw new UsageError(`--fps ${opts.fps} is not a number: e.g. --fps 2`);
  if (!Number.isInteger(maxWidth))
    throw new UsageError(`--max-width ${opts.maxWidth} is not a whole number of pixels`);
  const settings = parseIndexSettings({
    sampling: { fps, maxWidth },
    faces: { enabled: opts.faces, recognizer: opts.faceRecognizer },
    plates: { enabled: opts.plates, region: opts.plateRegion, vehicles: opts.vehicles },
    motion: { enabled: opts.motion },
    runtime: { device: opts.device },
  });
  const json = Boolean(opts.json);
  // one bar follows one file at a time: with --jobs the files are told line by line
  const bars = progressWanted(json) && !(Number(opts.jobs) > 1 && !opts.queue);
  let progress: IndexProgress | undefined;
  const human = (line: string): void => {
    if (!json) process.stderr.write(line + '\n');
  };

  const onEvent = (e: IndexEvent): void => {
    if (json) printJsonLine({ ...e, time: new Date().toISOString() });
    switch (e.type) {
      case 'run-start':
        for (const p of e.recovered)
          human(c.yellow(`recovered: ${safeText(p)} was left half-indexed; redoing it`));
        if (bars && e.files > 0) progress = indexProgress(e.files);
        break;
      case 'file-start':
        progress?.startFile(basename(e.path), e.duration);
        if (!bars)
          human(
            `indexing ${safeText(e.path)} (camera ${safeText(e.camera)}, ${formatDuration(e.duration)}, time from ${e.startTimeSource})`,
          );
        if (e.copyOf)
          human(
            `note: ${safeText(basename(e.path))} has the same content as ${safeText(e.copyOf)}; indexed as a source of its own (its sightings count once per copy)`,
          );
        break;
      case 'progress':
        progress?.update(e.offset, e.frames);
        break;
      case 'file-done':
        progress?.endFile();
        if (!bars)
          human(
            `  done: ${e.frames} frames, ${e.faces} faces in ${e.faceTracks} tracks, ${e.plates} plate readings in ${e.plateTracks} tracks (${e.seconds.toFixed(1)} s)`,
          );
        break;
      case 'file-skipped':
        progress?.endFile();
        human(c.dim(`skipped ${safeText(e.path)}: ${safeText(e.reason)}`));
        break;
      case 'file-failed':
        human(c.red(`failed ${safeText(e.path)}: ${safeText(e.reason)}`));
        break;
      case 'summary':
        progress?.stop();
        break;
    }
  };

  const storeDir = storePath(opts.store);
  const jobs = Number(opts.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new UsageError(`--jobs ${opts.jobs} is not a whole number ≥ 1: e.g. --jobs 2`);
  if (jobs > 1 && !opts.queue && !opts.sharedStore) {
    const found = await discover(paths);
    if (found.candidates.length > 1) {
      const summary = await indexInProcesses(found, jobs, storeDir, childArgs(opts, storeDir), onEvent);
      if (!json) {
        process.stdout.write(
          `${summary.indexed} indexed, ${summary.skipped} skipped, ${summary.failed.length} failed\n`,
        );
        if (summary.failed.length > 0) {
          process.stdout.write(c.red('Failed:\n'));
          for (const f of summary.failed)
            process.stdout.write(`  ${safeText(f.path)}: ${safeText(f.reason)}\n`);
        }
      }
      if (summary.failed.length > 0)
        throw new PartialFailure(
          `${summary.failed.length} of ${summary.indexed + summary.skipped + summary.failed.length} inputs failed`,
        );
      return;
    }
  }
  if (opts.queue) {
    queueConnection(opts.queue);
    let shown = 0;
    const q = await queueIndex({
      url: opts.queue,
      paths,
      storeDir,
      settings,
      pipelineVersion: pipelineVersion(settings),
      ...(opts.camera !== undefined ? { camera: opts.camera } : {}),
      ...(start !== undefined ? { start } : {}),
      wait: Boolean(opts.wait),
      onEvent: (e) => {
        if (json) printJsonLine({ ...e, time: new Date().toISOString() });
        else if (e.type === 'queued') {
          human(
            `queued ${e.files} files on ${safeText(opts.queue ?? '')}${e.already ? ` (${e.already} were queued before)` : ''}`,
          );
          for (const s of e.skipped) human(c.dim(`skipped ${safeText(s.path)}: ${safeText(s.reason)}`));
        } else if (e.type === 'done')
          human(c.dim(`${e.outcome} ${safeText(e.path)}${e.worker ? ` by ${e.worker}` : ''}`));
        else if (e.type === 'failed') human(c.red(`failed ${safeText(e.path)}: ${safeText(e.reason)}`));
        else if (e.type === 'progress' && bars && e.done + e.failed !== shown) {
          shown = e.done + e.failed;
          process.stderr.write(`\r${e.done + e.failed} of ${e.total} files done across the workers`);
          if (shown === e.total) process.stderr.write('\n');
        }
      },
    });
    if (!json && opts.wait)
      process.stdout.write(`${q.indexed} indexed, ${q.skipped} skipped, ${q.failed.length} failed\n`);
    if (q.failed.length > 0)
      throw new PartialFailure(`${q.failed.length} of ${q.queued + q.failed.length} inputs failed`);
    return;
  }
  const summary = await runIndex({
    paths,
    storeDir,
    camera: opts.camera,
    start,
    settings,
    stages: () => buildStages(settings),
    pipelineVersion: pipelineVersion(settings),
    onEvent,
    ...(opts.sharedStore ? { sharedStore: true } : {}),
  });
  if (!json) {
    process.stdout.write(
      `${summary.indexed} indexed, ${summary.skipped} skipped, ${summary.failed.length} failed\n`,
    );
    if (summary.failed.length > 0) {
      process.stdout.write(c.red('Failed:\n'));
      for (const f of summary.failed) process.stdout.write(`  ${safeText(f.path)}: ${safeText(f.reason)}\n`);
    }
  }
  if (summary.failed.length > 0) {
    throw new PartialFailure(
      `${summary.failed.length} of ${summary.indexed + summary.skipped + summary.failed.length} inputs failed`,
    );
  }
}

/** A job a 2 cores: each index process keeps about two busy (ffmpeg, onnxruntime's threads). */
const DEFAULT_JOBS = Math.max(1, Math.floor(availableParallelism() / 2));

/** The options of this run, for a child process indexing some of its files. */
function childArgs(opts: IndexOpts, storeDir: string): string[] {
  return [
    '--store',
    storeDir,
    ...(opts.camera !== undefined ? ['--camera', opts.camera] : []),
    ...(opts.start !== undefined ? ['--start', opts.start] : []),
    '--fps',
    opts.fps,
    '--max-width',
    opts.maxWidth,
    ...(opts.faces ? [] : ['--no-faces']),
    ...(opts.plates ? [] : ['--no-plates']),
    ...(opts.vehicles ? [] : ['--no-vehicles']),
    ...(opts.motion ? [] : ['--no-motion']),
    '--device',
    opts.device,
    '--face-recognizer',
    opts.faceRecognizer,
    '--plate-region',
    opts.plateRegion,
    '--jobs',
    '1',
    '--shared-store',
    '--json',
  ];
}

/**
 * `--jobs n`: the files shared out to n child `index` processes (largest first, each to the least
 * loaded), all writing one store in turns of its lock; their events told as one run's; the ANN
 * index built here once at the end.
 */
async function indexInProcesses(
  found: Awaited<ReturnType<typeof discover>>,
  jobs: number,
  storeDir: string,
  args: string[],
  onEvent: (e: IndexEvent) => void,
): Promise<{ indexed: number; skipped: number; failed: Array<{ path: string; reason: string }> }> {
  const lists: string[][] = Array.from({ length: Math.min(jobs, found.candidates.length) }, () => []);
  const load = lists.map(() => 0);
  for (const c of [...found.candidates].sort((a, b) => b.size - a.size)) {
    const i = load.indexOf(Math.min(...load));
    lists[i]!.push(c.path);
    load[i]! += c.size;
  }
  for (const f of found.failed) onEvent({ type: 'file-failed', ...f });
  const total = { indexed: 0, skipped: 0, failed: [...found.failed] };
  await Promise.all(
    lists.map((files) =>
      (async () => {
        let finished = false;
        const r = await runSelf(['index', ...files, ...args], (line) => {
          let e: IndexEvent;
          try {
            e = JSON.parse(line) as IndexEvent;
          } catch {
            return;
          }
          if (e.type === 'summary') {
            total.indexed += e.indexed;
            total.skipped += e.skipped;
            total.failed.push(...e.failed);
            finished = true;
          } else if (e.type !== 'progress' && e.type !== 'run-start') onEvent(e);
        });
        // a child that died: the files it did not finish are failed, with its last words
        if (!finished && r.code !== 0 && r.code !== 1) {
          const why = r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`;
          for (const f of files)
            total.failed.push({ path: f, reason: `indexing process ended (${r.code}): ${why}` });
        }
      })(),
    ),
  );
  if (total.indexed > 0) {
    const lock = await WriteLock.acquireWaiting(storeDir);
    try {
      const store = await Store.open(storeDir, { create: false });
      try {
        await store.maintain();
      } finally {
        store.close();
      }
    } finally {
      lock.release();
    }
  }
  return total;
}
