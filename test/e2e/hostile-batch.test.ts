/**
 * Broken files in a batch (issue 7, item 3): truncated, zero-byte, not-a-video `.mp4`, a symlink
 * loop, a folder link back up the tree, an unreadable file and a folder of other content. The good
 * clip is indexed, each bad one is named with its reason, the batch goes on, exit 1.
 */
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sightline, userLines } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { indexUntilKilled, STACK_LINE, type KilledRun } from '../helpers/reliability.js';
import { tempDir } from '../helpers/temp.js';

// Root ignores file modes, so an unreadable file cannot be made when the tests run as root (CI).
const ROOT_USER = process.getuid?.() === 0;

describe('a batch with broken files', () => {
  const root = tempDir();
  const batch = join(root, 'batch');
  const store = join(root, 'store');
  let run: KilledRun;

  beforeAll(async () => {
    mkdirSync(join(batch, 'docs'), { recursive: true });
    copyFileSync(fixturePath('odd/with-creation-time.mp4'), join(batch, 'good.mp4'));
    for (const f of ['truncated.mp4', 'empty.mp4', 'notvideo.mp4'])
      copyFileSync(fixturePath(`broken/${f}`), join(batch, f));
    symlinkSync('loop.mp4', join(batch, 'loop.mp4')); // a link to itself
    symlinkSync('..', join(batch, 'docs', 'up')); // a folder link back up the tree
    writeFileSync(join(batch, 'docs', 'notes.txt'), 'not footage\n');
    writeFileSync(join(batch, 'docs', 'plan.pdf'), '%PDF-1.4\n');
    if (!ROOT_USER) {
      copyFileSync(fixturePath('odd/rotated.mp4'), join(batch, 'unreadable.mp4'));
      chmodSync(join(batch, 'unreadable.mp4'), 0o000);
    }
    run = await indexUntilKilled([batch, '--store', store, '--no-faces', '--no-plates', '--fps', '1'], {});
  }, 120_000);

  it('exits 1, having indexed the good clip', () => {
    expect(run.outcome).toBe(1);
    const done = run.events.filter((e) => e.type === 'file-done').map((e) => e.path);
    expect(done).toEqual([join(batch, 'good.mp4')]);
    const summary = run.events.at(-1) as { type: string; indexed: number };
    expect(summary.type).toBe('summary');
    expect(summary.indexed).toBe(1);
  });

  it('names every broken file with its reason', () => {
    const failed = new Map(
      run.events
        .filter((e) => e.type === 'file-failed')
        .map((e) => [e.path!.replace(`${batch}/`, ''), e.reason!]),
    );
    expect(failed.get('truncated.mp4')).toMatch(/truncated or damaged/);
    expect(failed.get('empty.mp4')).toMatch(/empty file \(0 bytes\)/);
    expect(failed.get('notvideo.mp4')).toMatch(/not a readable video/);
    expect(failed.get('loop.mp4')).toBe('symbolic link loop');
    if (!ROOT_USER) expect(failed.get('unreadable.mp4')).toBe('permission denied');
    expect([...failed.keys()].sort()).toEqual(
      [
        'empty.mp4',
        'loop.mp4',
        'notvideo.mp4',
        'truncated.mp4',
        ...(ROOT_USER ? [] : ['unreadable.mp4']),
      ].sort(),
    );
  });

  it('notes other content and the folder link without failing on them', () => {
    const start = run.events.find((e) => e.type === 'run-start') as unknown as {
      skippedNonVideo: Array<{ path: string; reason: string }>;
    };
    const skipped = start.skippedNonVideo.map((s) => s.path.replace(`${batch}/`, ''));
    expect(skipped).toEqual(expect.arrayContaining(['docs/notes.txt', 'docs/plan.pdf', 'docs/up']));
  });

  it.skipIf(!ROOT_USER)('(running as root: the unreadable-file case is skipped, root reads any file)', () => {
    expect(ROOT_USER).toBe(true);
  });

  it('a human run says the same in plain lines, with no stack', async () => {
    const r = await sightline(['index', batch, '--store', store, '--no-faces', '--no-plates', '--fps', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(STACK_LINE);
    const lines = userLines(r.stderr);
    expect(lines.filter((l) => l.startsWith('failed '))).toHaveLength(ROOT_USER ? 4 : 5);
    expect(lines.some((l) => /skipped .*good\.mp4: already indexed/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^sightline: \d+ of \d+ inputs failed$/);
    expect(r.stdout).toMatch(/0 indexed, 1 skipped, \d+ failed/);
  });
});
