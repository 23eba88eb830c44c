/**
 * `npm run eval -- faces|plates|all [options passed on]`: runs the accuracy evaluations, one child
 * process each, in order; exits non-zero if any fails.
 *
 *   faces   scripts/eval-faces.ts (verification in three conditions, detection recall by size),
 *           scripts/eval-face-search.ts (search recall@10 and precision on composed footage: ~100 px
 *           faces in 720p, then with --small ~40 px faces in 1080p at 2 Mbps), then
 *           scripts/eval-faces-cctv.ts (the real clips as one case: false faces, recurring, search
 *           by a crop; per-face figures per recogniser); `--write-calibration` then rewrites the
 *           false-match tables of models/face-calibration.json (scripts/calibrate-faces.ts)
 *   plates  scripts/eval-plates.ts (photos), then scripts/eval-plates-video.ts (photos composed into
 *           720p clips, indexed and searched through the CLI; the real plate video)
 *   all     both
 *
 * Options after the suite name go to every script of it (e.g. `-- faces --reuse`); each script
 * ignores what it does not know.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SUITES: Record<string, string[][]> = {
  faces: [
    ['eval-faces.ts'],
    ['eval-face-search.ts'],
    ['eval-face-search.ts', '--small'],
    ['eval-faces-cctv.ts'],
  ],
  plates: [['eval-plates.ts'], ['eval-plates-video.ts']],
};
SUITES.all = [...(SUITES.faces ?? []), ...(SUITES.plates ?? [])];

const [suite = 'all', ...rest] = process.argv.slice(2);
const scripts = SUITES[suite];
if (!scripts) {
  process.stderr.write(`unknown eval suite '${suite}': use faces, plates or all\n`);
  process.exit(2);
}

const tsx = join(import.meta.dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
const failed: string[] = [];
if (suite !== 'plates' && rest.includes('--write-calibration')) scripts.push(['calibrate-faces.ts']);
for (const [s, ...own] of scripts) {
  process.stderr.write(`\n=== ${[s, ...own].join(' ')} ===\n`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [tsx, join(import.meta.dirname, s!), ...own, ...rest], {
    stdio: 'inherit',
  });
  const secs = ((performance.now() - t0) / 1000).toFixed(0);
  if (r.status !== 0) failed.push(`${s} (exit ${r.status ?? r.signal ?? '?'})`);
  process.stderr.write(`=== ${s}: ${r.status === 0 ? 'done' : 'FAILED'} in ${secs} s ===\n`);
}
if (failed.length > 0) {
  process.stderr.write(`\nfailed: ${failed.join(', ')}\n`);
  process.exit(1);
}
