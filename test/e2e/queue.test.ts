import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, sightline } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { hasRedis, startRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/temp.js';

const counts = async (store: string): Promise<Record<string, number>> => {
  const s = JSON.parse((await sightline(['stats', '--store', store, '--json'])).stdout) as Record<
    string,
    number
  >;
  return { sources: s.sources!, faces: s.faces!, plates: s.plates!, tracks: s.tracks! };
};

describe('index --queue: many workers, one store, a killed worker loses nothing', () => {
  const stops: Array<() => void> = [];
  afterAll(() => stops.forEach((s) => s()));

  const root = tempDir();
  const footage = join(root, 'footage');
  for (const [cam, file] of [
    ['street', 'cam-street/ch01_20230801110500.mp4'],
    ['lobby', 'cam-lobby/2023-08-01_11-00-00.mp4'],
  ] as const) {
    mkdirSync(join(footage, cam), { recursive: true });
    copyFileSync(fixturePath(file), join(footage, cam, file.split('/')[1]!));
  }
  const local = join(root, 'local');
  let localRun: Promise<void> | undefined;
  const indexedLocally = (): Promise<void> =>
    (localRun ??= sightline(['index', footage, '--store', local, '--no-vehicles']).then((r) => {
      expect(r.code).toBe(0);
    }));

  it('index --jobs 2: two processes write one store in turns, equal to one process', async () => {
    await indexedLocally();
    const two = join(root, 'two');
    const r = await sightline(['index', footage, '--store', two, '--no-vehicles', '--jobs', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^2 indexed, 0 skipped, 0 failed/m);
    expect(await counts(two)).toEqual(await counts(local));
  });

  it.skipIf(!hasRedis())(
    'ends with the store a local run writes, though one worker is killed -9 mid-file',
    async () => {
      await indexedLocally();

      const redis = await startRedis(root);
      stops.push(redis.stop);
      const worker = () =>
        spawn(process.execPath, [join(ROOT, 'bin', 'sightline.js'), 'worker', '--queue', redis.url], {
          cwd: ROOT,
          env: { ...process.env, NO_COLOR: '1' },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
      const w1 = worker();
      const w2 = worker();
      let w2log = '';
      w2.stderr!.on('data', (d: Buffer) => (w2log += d.toString()));
      stops.push(
        () => w1.kill('SIGKILL'),
        () => w2.kill('SIGTERM'),
      );
      // the first worker dies mid-file, its job is taken over by the other once its lock lapses
      let w1took = '';
      w1.stderr!.on('data', (d: Buffer) => {
        w1took += d.toString();
        if (/took /.test(w1took)) setTimeout(() => w1.kill('SIGKILL'), 3000);
      });
      const queued = join(root, 'queued');
      const run = await sightline([
        'index',
        footage,
        '--store',
        queued,
        '--no-vehicles',
        '--queue',
        redis.url,
        '--wait',
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^2 indexed, 0 skipped, 0 failed/m);
      expect(w1.killed).toBe(true);
      expect(await counts(queued)).toEqual(await counts(local));

      // queued again: every file is known (same job ids), nothing is indexed twice
      const again = await sightline([
        'index',
        footage,
        '--store',
        queued,
        '--no-vehicles',
        '--queue',
        redis.url,
        '--wait',
      ]);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/\(2 were queued before\)/);
      expect(await counts(queued)).toEqual(await counts(local));
      const exited = new Promise<number | null>((r) => w2.on('close', r));
      w2.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(w2log).toMatch(/indexed /);
    },
  );
});
