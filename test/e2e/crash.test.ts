/**
 * Crash safety and concurrency (issue 7, items 1–2): real `kill -9` of an indexing child at several
 * moments, then a full run, must leave a store equal to a clean run's; a second writer is refused
 * while searches and stats keep working; a lock left by a killed writer is taken over.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sightline, userLines } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { indexUntilKilled, snapshot, STACK_LINE, type StoreSnapshot } from '../helpers/reliability.js';
import { tempDir } from '../helpers/temp.js';

// Two short 640x360 clips around the 720p street clip (the one with plates), so kills land in,
// between and after files that write detection rows. Plates on, faces off, 1 frame a second.
const FILES = [
  fixturePath('odd/with-creation-time.mp4'),
  fixturePath('cam-street/ch01_20230801110500.mp4'),
  fixturePath('odd/vfr.mkv'),
];
const OPTS = ['--no-faces', '--fps', '1'];

const fileDone = (n: number) => (events: Array<{ type: string }>) =>
  events.filter((e) => e.type === 'file-done').length >= n;

describe('crash safety: kill -9 during index, then a full run, equals a clean run', () => {
  const root = tempDir();
  const cleanStore = join(root, 'clean');
  const crashStore = join(root, 'crashed');
  let clean: StoreSnapshot;
  let concurrent: {
    second: Awaited<ReturnType<typeof sightline>>;
    stats: Awaited<ReturnType<typeof sightline>>;
    search: Awaited<ReturnType<typeof sightline>>;
  };

  beforeAll(async () => {
    // The clean run; while it writes, a second writer, a stats and a search are run against it.
    let during: Promise<typeof concurrent> | undefined;
    const run = await indexUntilKilled([...FILES, '--store', cleanStore, ...OPTS], {
      killWhen: (events) => {
        if (!during && events.some((e) => e.type === 'file-start')) {
          during = (async () => ({
            second: await sightline(['index', FILES[0]!, '--store', cleanStore, ...OPTS]),
            stats: await sightline(['stats', '--store', cleanStore, '--json']),
            search: await sightline(['search', 'plate', 'LE2*', '--store', cleanStore, '--json']),
          }))();
        }
        return false;
      },
    });
    expect(run.outcome).toBe(0);
    concurrent = await during!;
    clean = await snapshot(cleanStore);
  }, 180_000);

  it('the clean run indexed every file, with plate rows', () => {
    expect(clean.stats.sources).toBe(3);
    expect(clean.stats.plates).toBeGreaterThan(0);
    expect(clean.stats.tracks).toBeGreaterThan(0);
    expect(clean.statuses.every((s) => s === 'complete')).toBe(true);
  });

  it('a second index on the same store exits 2 with one line naming the other writer', () => {
    expect(concurrent.second.code).toBe(2);
    const lines = userLines(concurrent.second.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/being written by another sightline \(pid \d+/);
    expect(concurrent.second.stderr).not.toMatch(STACK_LINE);
  });

  it('stats and search plate work while an index runs', () => {
    expect(concurrent.stats.code).toBe(0);
    expect(JSON.parse(concurrent.stats.stdout)).toHaveProperty('sources');
    expect(concurrent.search.code).toBe(0);
    expect(JSON.parse(concurrent.search.stdout)).toHaveProperty('results');
  });

  it('three kills at different moments, crash-hook kills between writes and during recovery, then a full run', async () => {
    const args = [...FILES, '--store', crashStore, ...OPTS];
    const kills = [];
    // 1. early: while the process loads, opens the store or probes the first file
    kills.push(await indexUntilKilled(args, { killAfterMs: 500 }));
    // 2. right after the first file is complete
    kills.push(await indexUntilKilled(args, { killWhen: fileDone(1) }));
    // 3. in the middle of the second file (the street clip), frames decoded but nothing written yet
    kills.push(
      await indexUntilKilled(args, {
        killWhen: (events) => {
          const starts = events.filter((e) => e.type === 'file-start');
          const current = starts.at(-1)?.path;
          return (
            current === FILES[1] &&
            events.filter((e) => e.type === 'progress' && e.path === current).length >= 4
          );
        },
      }),
    );
    for (const k of kills) expect(k.outcome).toBe('killed');
    // The lock of a killed writer is left behind, naming a dead process.
    const lockFile = join(crashStore, 'write.lock');
    expect(existsSync(lockFile)).toBe(true);
    const held = JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number };
    expect(held.pid).toBe(kills[2]!.pid);

    // 4. exactly between writes: plate rows written, source not yet complete (the street clip)
    const hooked = await indexUntilKilled(args, { env: { SIGHTLINE_TEST_CRASH_AT: 'before-complete' } });
    expect(hooked.outcome).toBe('killed');
    expect(hooked.events.some((e) => e.type === 'file-start' && e.path === FILES[1])).toBe(true);
    const half = await snapshot(crashStore);
    expect(half.statuses).toContain('indexing');
    // Half-written rows are not counted, before any recovery.
    expect(half.stats.plates).toBe(0);
    expect(half.stats.incomplete).toBe(1);

    // 5. during recovery: plate rows purged, the source row not yet
    const midPurge = await indexUntilKilled(args, { env: { SIGHTLINE_TEST_CRASH_AT: 'purged-plates' } });
    expect(midPurge.outcome).toBe('killed');

    // The full run: takes over the stale lock, recovers the street clip, finishes.
    const full = await indexUntilKilled(args, {});
    expect(full.outcome).toBe(0);
    const start = full.events.find((e) => e.type === 'run-start') as { recovered: string[] } | undefined;
    expect(start?.recovered).toEqual([FILES[1]]);
    expect(full.events.filter((e) => e.type === 'file-skipped').map((e) => e.path)).toEqual([FILES[0]]);
    expect(existsSync(lockFile)).toBe(false);

    const after = await snapshot(crashStore);
    const pick = (s: StoreSnapshot) => ({
      sources: s.stats.sources,
      faces: s.stats.faces,
      plates: s.stats.plates,
      tracks: s.stats.tracks,
      incomplete: s.stats.incomplete,
    });
    expect(pick(after)).toEqual(pick(clean));
    expect(after.statuses.every((s) => s === 'complete')).toBe(true);
    // No duplicates: every id once, one row per source, the same readings as the clean run.
    expect(new Set(after.plateIds).size).toBe(after.plateIds.length);
    expect(new Set(after.trackIds).size).toBe(after.trackIds.length);
    expect(new Set(after.sourceShas).size).toBe(after.sourceShas.length);
    expect(after.plates).toEqual(clean.plates);
    expect(after.tracks).toEqual(clean.tracks);
  }, 240_000);
});
