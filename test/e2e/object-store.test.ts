import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures, fixturePath } from '../helpers/fixtures.js';
import { ROOT, sightline, userLines } from '../helpers/cli.js';
import { hasRedis, startRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/temp.js';

/**
 * A store on S3-compatible object storage (s3rver on 127.0.0.1: the S3 protocol for a single
 * writer; it ignores conditional writes, so this proves the code path, not concurrent writers).
 * Endpoint and credentials come from the usual AWS environment variables.
 */
describe('a store on object storage (s3://)', () => {
  const dir = tempDir();
  let server: S3rver;
  let env: Record<string, string>;
  const remote = 's3://case-4711/stores/main';
  const local = `${dir}/local-store`;
  const clip = () => fixturePath('cam-street');

  beforeAll(async () => {
    await ensureFixtures();
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: `${dir}/s3`,
      configureBuckets: [{ name: 'case-4711' }],
    });
    const { port } = await server.run();
    env = {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      SIGHTLINE_STATE_DIR: `${dir}/state`,
    };
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('indexes into s3://, and its stats and searches equal a local store of the same footage', async () => {
    const up = await sightline(['index', clip(), '--store', remote, '--json'], env);
    expect(up.code, up.stderr).toBe(0);
    expect(userLines(up.stderr).filter((l) => /warn|error/i.test(l))).toEqual([]);
    const down = await sightline(['index', clip(), '--store', local, '--json'], env);
    expect(down.code, down.stderr).toBe(0);

    const stats = async (store: string) => {
      const r = await sightline(['stats', '--store', store, '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout) as Record<string, unknown>;
      return { sources: s.sources, faces: s.faces, plates: s.plates, tracks: s.tracks };
    };
    const there = await stats(remote);
    expect(there.sources).toBe(1);
    expect(Number(there.plates)).toBeGreaterThan(0);
    expect(there).toEqual(await stats(local));

    const plate = async (store: string) => {
      const r = await sightline(['search', 'plate', 'LE21ABC', 'KX68TYP', '--store', store, '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      return (
        JSON.parse(r.stdout) as { results: Array<{ text: string; score: number; offset: number }> }
      ).results.map((x) => [x.text, x.score, x.offset]);
    };
    const hits = await plate(remote);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits).toEqual(await plate(local));
  }, 240_000);

  it('indexing the same footage again into s3:// adds nothing', async () => {
    const again = await sightline(['index', clip(), '--store', remote, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    const r = await sightline(['stats', '--store', remote, '--json'], env);
    expect((JSON.parse(r.stdout) as { sources: number }).sources).toBe(1);
  }, 120_000);

  it.skipIf(!hasRedis())(
    'two queue workers index into one s3:// store in turns (the lock on Redis): equal to a local run',
    async () => {
      const footage = `${dir}/footage`;
      for (const f of ['cam-street/ch01_20230801110500.mp4', 'cam-lobby/2023-08-01_11-00-00.mp4']) {
        mkdirSync(`${footage}/${f.split('/')[0]}`, { recursive: true });
        copyFileSync(fixturePath(f), `${footage}/${f}`);
      }
      const redis = await startRedis(dir);
      const workers = [1, 2].map(() =>
        spawn(process.execPath, [join(ROOT, 'bin', 'sightline.js'), 'worker', '--queue', redis.url], {
          cwd: ROOT,
          env: { ...process.env, ...env, NO_COLOR: '1' },
          stdio: 'ignore',
        }),
      );
      try {
        const store = 's3://case-4711/stores/queued';
        const r = await sightline(['index', footage, '--store', store, '--queue', redis.url, '--wait'], env);
        expect(r.code, r.stderr).toBe(0);
        const mine = `${dir}/local-two`;
        expect((await sightline(['index', footage, '--store', mine], env)).code).toBe(0);
        const counts = async (s: string) => {
          const j = JSON.parse((await sightline(['stats', '--store', s, '--json'], env)).stdout) as Record<
            string,
            unknown
          >;
          return { sources: j.sources, faces: j.faces, plates: j.plates, tracks: j.tracks };
        };
        const there = await counts(store);
        expect(there.sources).toBe(2);
        expect(there).toEqual(await counts(mine));
      } finally {
        for (const w of workers) w.kill('SIGTERM');
        redis.stop();
      }
    },
    300_000,
  );

  it('a missing object store is one clear line, exit 2', async () => {
    const r = await sightline(['stats', '--store', 's3://case-4711/nothing-here', '--json'], env);
    expect(r.code).toBe(2);
    expect(userLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/not a Sightline store|no store/);
  }, 60_000);
});
