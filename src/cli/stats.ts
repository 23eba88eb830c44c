import type { Command } from 'commander';
import { Store } from '../store/store.js';
import { jsonOption, storeOption, storePath } from './common.js';
import { formatDuration, safeText, table } from './output.js';

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('what the store holds')
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (opts: { store: string; json?: boolean }) => {
      const store = await Store.open(storePath(opts.store), { create: false });
      try {
        const counts = await store.counts();
        if (opts.json) {
          process.stdout.write(JSON.stringify(counts, null, 2) + '\n');
          return;
        }
        const sources = (await store.listSources()).filter((s) => s.status === 'complete');
        process.stdout.write(
          `${counts.sources} sources (${formatDuration(counts.durationSeconds)} of footage) from ${counts.cameras.length} cameras\n` +
            `${counts.faces} faces in ${counts.faceTracks} tracks (${counts.identifiableFaceTracks} identifiable, the rest heads too turned or soft to match), ${counts.plates} plate readings in ${counts.plateTracks} tracks\n`,
        );
        if (counts.incomplete > 0)
          process.stdout.write(
            `${counts.incomplete} sources half-indexed: run 'sightline index' again to finish them\n`,
          );
        if (sources.length > 0) {
          process.stdout.write(
            '\n' +
              table(
                ['camera', 'start', 'length', 'file'],
                sources.map((s) => [
                  safeText(s.camera),
                  s.start_time ?? '(unknown)',
                  formatDuration(s.duration),
                  safeText(s.path),
                ]),
              ) +
              '\n',
          );
        }
      } finally {
        store.close();
      }
    });
}
