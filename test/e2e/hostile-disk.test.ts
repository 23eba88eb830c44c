/**
 * A full disk and a read-only store, for real (issue 7, item 4): a small tmpfs is filled up, then
 * remounted read-only. Each gives exit 2 and one clear line, and what was indexed is kept intact.
 * Needs root with CAP_SYS_ADMIN to mount; elsewhere it is skipped (the error mapping itself is
 * covered without mounts in test/integration/reliability.test.ts).
 */
import { appendFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sightline, userLines } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { mountTmpfs, remount, snapshot, STACK_LINE, unmount } from '../helpers/reliability.js';
import { tempDir } from '../helpers/temp.js';

const disk = join(tempDir(), 'disk');
const mounted = mountTmpfs(disk, '16m');
const store = join(disk, 'store');
const OPTS = ['--store', store, '--no-faces', '--no-plates', '--fps', '1'];
const A = fixturePath('odd/with-creation-time.mp4');
const B = fixturePath('odd/rotated.mp4');

/** Fills the file system up to `leave` bytes free. */
function fill(leave: number): void {
  const filler = join(disk, 'filler');
  const s = statfsSync(disk);
  writeFileSync(filler, Buffer.alloc(Math.max(0, s.bavail * s.bsize - leave - 65536)));
  try {
    for (;;) {
      const now = statfsSync(disk);
      if (now.bavail * now.bsize <= leave) break;
      appendFileSync(filler, Buffer.alloc(4096));
    }
  } catch {
    // ENOSPC: full
  }
}

afterAll(() => {
  if (mounted) unmount(disk);
});

describe.skipIf(!mounted)('a full disk and a read-only store (tmpfs)', () => {
  it('disk full mid-batch: exit 2, one line; the store keeps what it had and a later run finishes', async () => {
    expect((await sightline(['index', A, ...OPTS])).code).toBe(0);
    // Room for the lock file, not for the table writes of the next source.
    fill(4096);
    const r = await sightline(['index', A, B, ...OPTS]);
    expect(r.code).toBe(2);
    const lines = userLines(r.stderr).filter((l) => !/^skipped |^indexing /.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sightline: disk full.*: free space or use a --store on another disk/);
    expect(lines[0]).not.toMatch(/write\.lock/); // hit by the table writes, not the lock file
    expect(r.stderr).not.toMatch(STACK_LINE);
    rmSync(join(disk, 'filler'));
    const kept = await snapshot(store);
    expect(kept.stats.sources).toBe(1);
    expect(kept.stats.incomplete).toBe(0);
    const again = await sightline(['index', A, B, ...OPTS]);
    expect(again.code).toBe(0);
    const after = await snapshot(store);
    expect(after.stats.sources).toBe(2);
    expect(after.statuses).toEqual(['complete', 'complete']);
  });

  it('read-only store: index exits 2 with one line, stats still reads it', async () => {
    remount(disk, 'ro');
    try {
      const r = await sightline(['index', fixturePath('odd/vfr.mkv'), ...OPTS]);
      expect(r.code).toBe(2);
      const lines = userLines(r.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/read-only/);
      expect(r.stderr).not.toMatch(STACK_LINE);
      const stats = await sightline(['stats', '--store', store, '--json']);
      expect(stats.code).toBe(0);
      expect((JSON.parse(stats.stdout) as { sources: number }).sources).toBe(2);
      // Every search is written to the store's audit log, so a read-only store refuses searches
      // with one line rather than searching unlogged.
      const search = await sightline(['search', 'plate', 'LE2*', '--store', store]);
      expect(search.code).toBe(2);
      expect(userLines(search.stderr)).toEqual([
        expect.stringMatching(/^sightline: read-only file system \(.*audit\.log\): use a writable --store$/),
      ]);
    } finally {
      remount(disk, 'rw');
    }
  });
});

it.skipIf(mounted)(
  '(no tmpfs mount allowed here: the real full-disk and read-only cases are skipped)',
  () => {
    expect(mounted).toBe(false);
  },
);
