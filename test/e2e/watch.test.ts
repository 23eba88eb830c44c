import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, sightline, userLines } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

interface Received {
  status: number;
  id: string;
  signature: string | undefined;
  raw: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('sightline watch: footage as it lands, each hit alerted once', () => {
  const root = tempDir();
  const inbox = join(root, 'nvr-export');
  const store = join(root, 'store');
  const wanted = join(root, 'wanted.txt');
  mkdirSync(inbox);
  writeFileSync(wanted, 'LE21ABC,red car\nZZ99ZZZ\n');
  const received: Received[] = [];
  let refuse = 2; // the receiver is down for the first two POSTs
  let server: Server;
  afterAll(() => server?.close());

  const start = (): Promise<string> =>
    new Promise((resolve) => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          const status = refuse-- > 0 ? 503 : 200;
          received.push({
            status,
            id: String(req.headers['x-sightline-alert-id']),
            signature: req.headers['x-sightline-signature'] as string | undefined,
            raw: body,
          });
          res.statusCode = status;
          res.end();
        });
      }).listen(0, '127.0.0.1', () =>
        resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`),
      );
    });
  const args = (url: string, extra: string[] = []): string[] => [
    'watch',
    inbox,
    '--store',
    store,
    '--plates',
    wanted,
    '--webhook',
    url,
    '--webhook-secret',
    's3cret',
    '--json',
    '--settle',
    '3',
    '--no-index-faces',
    '--no-vehicles',
    ...extra,
  ];

  it('takes a file written in two halves once complete, alerts once through a receiver that was down, stops on SIGTERM', async () => {
    const url = await start();
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'sightline.js'), ...args(url)], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', r));

    await sleep(2000);
    const clip = readFileSync(fixturePath('cam-street/ch01_20230801110500.mp4'));
    const target = join(inbox, 'ch01_20230801110500.mp4');
    writeFileSync(target, clip.subarray(0, clip.length >> 1));
    await sleep(1500); // less than --settle: the half file is never taken
    appendFileSync(target, clip.subarray(clip.length >> 1));

    for (let i = 0; i < 180 && !received.some((r) => r.status === 200); i++) await sleep(500);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const alerts = stdout
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string;
            id: string;
            entry: string;
            label: string;
            reading: string;
            camera: string;
          },
      );
    expect(alerts.map((a) => [a.type, a.entry, a.label])).toEqual([['alert', 'LE21ABC', 'red car']]);
    // delivered once, after two refusals of the same alert; each POST signed with the shared secret
    expect(received.map((r) => [r.status, r.id])).toEqual([
      [503, alerts[0]!.id],
      [503, alerts[0]!.id],
      [200, alerts[0]!.id],
    ]);
    for (const r of received)
      expect(r.signature).toBe(`sha256=${createHmac('sha256', 's3cret').update(r.raw).digest('hex')}`);
    expect(JSON.parse(received[2]!.raw)).toMatchObject({ entry: 'LE21ABC', camera: 'nvr-export' });
    const lines = userLines(stderr);
    expect(lines.filter((l) => /truncated|could not index|failed/i.test(l))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('webhook did not take alert'))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('indexed '))).toHaveLength(1);
  });

  it('raises nothing again after a restart, and alerts a copy under a new name', async () => {
    const url = await start();
    const before = received.length;
    const again = await sightline(args(url, ['--once']));
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(received.length).toBe(before);

    copyFileSync(join(inbox, 'ch01_20230801110500.mp4'), join(inbox, 'ch01_20230801111000.mp4'));
    const copy = await sightline(args(url, ['--once']));
    expect(copy.code).toBe(0);
    const alerts = copy.stdout.split('\n').filter(Boolean);
    expect(alerts).toHaveLength(1);
    expect(JSON.parse(alerts[0]!)).toMatchObject({
      entry: 'LE21ABC',
      time: expect.stringMatching(/^2023-08-01T11:10:0\d/),
    });
    expect(received.slice(before).map((r) => r.status)).toEqual([200]);
    // every alert is in the store's audit log
    const audit = readFileSync(join(store, 'audit.log'), 'utf8');
    expect(audit.match(/"action":"alert"/g)).toHaveLength(2);
  });

  it('logs a bad file and skips it, without stopping (with --once: exit 1)', async () => {
    const url = await start();
    writeFileSync(join(inbox, 'ch02_20230801120000.mp4'), Buffer.alloc(4096, 7));
    const r = await sightline(args(url, ['--once']));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = userLines(r.stderr);
    expect(lines.filter((l) => l.startsWith('could not index'))).toEqual([
      expect.stringMatching(/ch02_20230801120000\.mp4: .*; skipped until it changes$/),
    ]);
    expect(lines.at(-1)).toMatch(/1 file\(s\) could not be indexed, 0 alert\(s\) not yet delivered/);
  });
});
