/**
 * `npm run demo`: builds the sample footage (generated from photos and fonts shipped in npm
 * packages), then runs Sightline on it exactly as an investigator would: index two cameras,
 * show the store, find a person by a photo and a vehicle by a partial plate, export both
 * searches as evidence bundles, and verify them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureGenerated, GENERATED_DIR } from '../fixtures/lib/ensure.js';
import { PROJECT_ROOT } from '../src/version.js';

const OUT = join(PROJECT_ROOT, 'demo-out');
const STORE = join(OUT, 'store');
const rel = (p: string): string => relative(PROJECT_ROOT, p) || '.';

function step(title: string): void {
  process.stdout.write(`\n\x1b[1m== ${title}\x1b[0m\n`);
}

/** Runs the CLI as a user would, shows the command, returns stdout. Exits on an unexpected code. */
function sightline(args: string[], opts: { capture?: boolean; allow?: number[] } = {}): string {
  process.stdout.write(`$ sightline ${args.map((a) => (/[\s*?]/.test(a) ? `'${a}'` : a)).join(' ')}\n`);
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'sightline.js'), ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', opts.capture ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  if (!(opts.allow ?? [0]).includes(r.status ?? -1)) {
    process.stderr.write(`demo: 'sightline ${args[0]}' exited ${r.status}\n`);
    process.exit(1);
  }
  return r.stdout ?? '';
}

step('Sample footage (generated once, then cached)');
const made = await ensureGenerated();
process.stdout.write(
  `${made.generated ? 'generated' : 'up to date'}: ${rel(GENERATED_DIR)} (${made.ms} ms)\n`,
);

mkdirSync(OUT, { recursive: true });
const lobby = join(GENERATED_DIR, 'cam-lobby');
const street = join(GENERATED_DIR, 'cam-street');

step('Index two cameras (a second run skips what is already indexed)');
sightline(['index', rel(lobby), rel(street), '--store', rel(STORE)]);

step('What the store holds');
sightline(['stats', '--store', rel(STORE)]);

step('Find a person from a separate, degraded photo');
const photo = join(GENERATED_DIR, 'queries', 'person-a.jpg');
sightline(['search', 'face', rel(photo), '--store', rel(STORE)]);
const faceJson = sightline(['search', 'face', rel(photo), '--store', rel(STORE), '--json'], {
  capture: true,
});
const faceResults = join(OUT, 'face-results.json');
writeFileSync(faceResults, faceJson);

step("Find the vehicle a witness remembers as 'LE2 something'");
sightline(['search', 'plate', 'LE2*', '--store', rel(STORE)]);
const plateJson = sightline(['search', 'plate', 'LE2*', '--store', rel(STORE), '--json'], { capture: true });
const plateResults = join(OUT, 'plate-results.json');
writeFileSync(plateResults, plateJson);

for (const [name, results] of [
  ['face', faceResults],
  ['plate', plateResults],
] as const) {
  step(`Export the ${name} search as an evidence bundle, then verify it`);
  const bundle = join(OUT, `bundle-${name}`);
  if (existsSync(bundle)) rmSync(bundle, { recursive: true });
  sightline([
    'export',
    rel(results),
    '--out',
    rel(bundle),
    '--store',
    rel(STORE),
    '--case',
    'DEMO-001',
    '--examiner',
    'Demo Examiner',
  ]);
  sightline(['verify', rel(bundle)]);
}

step('Done');
process.stdout.write(
  `Open ${rel(join(OUT, 'bundle-face', 'report.html'))} or report.pdf to read the evidence report.\n`,
);
