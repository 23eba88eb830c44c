import { type Command, Option } from 'commander';
import { hostname } from 'node:os';
import { buildStages } from '../pipeline/default-stages.js';
import { runIndex } from '../pipeline/index-run.js';
import { unchanged } from '../pipeline/queue-run.js';
import type { Stages } from '../pipeline/stages.js';
import { type IndexJob, QUEUE_NAME, queueConnection, workerOptions } from '../infra/queue.js';
import { c, safeText } from './output.js';
import { storeLocation } from '../store/location.js';
import { storeTurns } from '../infra/redis-lock.js';

/** `sightline worker --queue <url>`: takes index jobs until stopped. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'take index jobs from the queue until stopped (SIGTERM/SIGINT finish the current file, exit 0)',
    )
    .requiredOption('--queue <redis-url>', 'the queue, e.g. redis://127.0.0.1:6379')
    .addOption(
      new Option(
        '--store <dir>',
        'the store to write (default: the one each job names; a machine that mounts it elsewhere gives its path)',
      ),
    )
    .action(async (opts: { queue: string; store?: string }) => {
      queueConnection(opts.queue); // a bad URL is exit 2 before anything starts
      const me = `${hostname()}:${process.pid}`;
      const stages = new Map<string, Promise<Stages>>();
      // turns of the store's lock: on the queue's Redis for a store on object storage
      const turns = storeTurns(opts.queue);
      const line = (s: string): void => void process.stderr.write(`${s}\n`);
      const { Worker } = await import('bullmq');
      const worker = new Worker<IndexJob, { outcome: 'indexed' | 'skipped'; worker: string }>(
        QUEUE_NAME,
        async (job) => {
          const d = job.data;
          if (!(await unchanged(d))) return { outcome: 'skipped' as const, worker: me };
          const storeDir = opts.store ? storeLocation(opts.store) : d.storeDir;
          let failure: string | null = null;
          let outcome: 'indexed' | 'skipped' = 'skipped';
          line(c.dim(`took ${safeText(d.path)} (attempt ${job.attemptsMade + 1})`));
          await runIndex({
            paths: [d.path],
            storeDir,
            settings: d.settings,
            pipelineVersion: d.pipelineVersion,
            ...(d.camera !== undefined ? { camera: d.camera } : {}),
            ...(d.start !== undefined ? { start: d.start } : {}),
            sharedStore: true,
            writeTurn: turns.turn,
            keepStages: true,
            stages: () => {
              let s = stages.get(d.pipelineVersion);
              if (!s) stages.set(d.pipelineVersion, (s = buildStages(d.settings)));
              return s;
            },
            onEvent: (e) => {
              if (e.type === 'file-done') {
                outcome = 'indexed';
                line(
                  `indexed ${safeText(e.path)} (${e.plates} plate readings, ${e.faces} faces, ${e.seconds.toFixed(1)} s)`,
                );
              } else if (e.type === 'file-failed') failure = e.reason;
            },
          });
          if (failure) throw new Error(failure);
          return { outcome, worker: me };
        },
        workerOptions(opts.queue),
      );
      let warned = false;
      worker.on('error', (err) => {
        if (warned) return;
        warned = true;
        line(
          c.yellow(
            `cannot reach the queue at ${safeText(opts.queue)} (${safeText((err as Error).message)}): retrying`,
          ),
        );
      });
      worker.on('failed', (job, err) => {
        if (job)
          line(
            c.yellow(
              `failed ${safeText(job.data.path)} (attempt ${job.attemptsMade}): ${safeText(err.message)}`,
            ),
          );
      });
      line(`worker ${me} taking jobs from ${safeText(opts.queue)}`);
      await new Promise<void>((done) => {
        const stop = (): void => {
          line('stopping after the current file');
          void worker.close().then(done, done);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await turns.close();
      await Promise.all(
        [...stages.values()].map(async (s) => {
          const st = await s.catch(() => null);
          await Promise.all([st?.faces?.dispose(), st?.plates?.dispose()]);
        }),
      );
    });
}
