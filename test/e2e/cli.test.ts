import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SearchDocument } from '../../src/core/types.js';
import { sightline, userLines } from '../helpers/cli.js';
import { fixturePath, loadTruth } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

const overlap = (a: number[], b: number[]): number => {
  const x = Math.max(a[0]!, b[0]!);
  const y = Math.max(a[1]!, b[1]!);
  const w = Math.min(a[0]! + a[2]!, b[0]! + b[2]!) - x;
  const h = Math.min(a[1]! + a[3]!, b[1]! + b[3]!) - y;
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / (a[2]! * a[3]! + b[2]! * b[3]! - w * h);
};

describe('sightline as a user runs it', () => {
  const root = tempDir();
  const store = join(root, 'store');

  it('--help lists every command', async () => {
    const r = await sightline(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['index', 'search', 'export', 'verify', 'stats'])
      expect(r.stdout).toMatch(new RegExp(`\\b${cmd}\\b`));
  });

  it('indexes two cameras, with NDJSON events on stdout', async () => {
    const r = await sightline([
      'index',
      fixturePath('cam-lobby'),
      fixturePath('cam-street'),
      '--store',
      store,
      '--fps',
      '1',
      '--json',
    ]);
    expect(userLines(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(events.filter((e) => e.type === 'file-done')).toHaveLength(2);
    expect(events.at(-1)?.type).toBe('summary');
  });

  it('stats --json reports what the store holds', async () => {
    const r = await sightline(['stats', '--store', store, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, number>;
    expect(s.sources).toBe(2);
    expect(s.faces).toBeGreaterThan(0);
    expect(s.plates).toBeGreaterThan(0);
    expect(s.tracks).toBeGreaterThanOrEqual(4);
  });

  it('finds a person from a separate, degraded photo, with the evidence box on the face', async () => {
    const r = await sightline([
      'search',
      'face',
      fixturePath('queries/person-a.jpg'),
      '--store',
      store,
      '--json',
    ]);
    expect(r.code).toBe(0);
    // nothing from the libraries (LanceDB, onnxruntime) reaches the terminal
    expect(userLines(r.stderr)).toEqual([]);
    const doc = JSON.parse(r.stdout) as SearchDocument;
    expect(doc.results.length).toBeGreaterThan(0);
    const top = doc.results[0]!;
    expect(top.camera).toBe('cam-lobby');
    expect(top.startTime).toMatch(/^2023-08-01T11:00:/);
    const truth = await loadTruth('cam-lobby/2023-08-01_11-00-00.mp4');
    const a = truth.objects.find((o) => o.identity === 'person-a')!;
    const at = a.boxes.reduce((p, b) =>
      Math.abs(b.t - top.evidence.offset) < Math.abs(p.t - top.evidence.offset) ? b : p,
    );
    expect(Math.abs(at.t - top.evidence.offset)).toBeLessThan(0.05);
    expect(overlap(top.evidence.box, at.box)).toBeGreaterThan(0.5);
    // every sighting states how strong its match is, with the measured false-match rate
    for (const res of doc.results) {
      expect(res.strength?.band).toMatch(/^(strong|moderate|weak|inconclusive)$/);
      expect(res.strength?.statement).toMatch(/different-person comparisons .* false-match rate/);
      expect(res.score).toBeGreaterThanOrEqual(doc.query.threshold as number);
    }
    expect(doc.query.condition).toMatch(/^(photo|cctv)$/);
    expect(doc.query.model).toMatch(/ultraface-rfb-320\+faceplugin\/mobilefacenet-512$/);
    // nobody else of the lobby clip is returned: every sighting is person-a's
    const b = truth.objects.filter((o) => o.identity !== 'person-a' && o.kind === 'face');
    for (const res of doc.results) {
      const near = (o: (typeof b)[number]): boolean =>
        o.boxes.some(
          (x) => Math.abs(x.t - res.evidence.offset) < 0.05 && overlap(res.evidence.box, x.box) > 0.5,
        );
      if (res.camera === 'cam-lobby') expect(b.some(near)).toBe(false);
    }
    writeFileSync(join(root, 'face.json'), r.stdout);
    // the table a person reads says the strength too
    const human = await sightline(['search', 'face', fixturePath('queries/person-a.jpg'), '--store', store]);
    expect(human.stdout).toMatch(/cam-lobby .*(strong|moderate|weak|inconclusive) \(FMR [<~]1\/[\d,]+\)/);
  });

  it('finds the vehicle by a partial plate', async () => {
    const r = await sightline(['search', 'plate', 'LE2*', '--store', store, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as SearchDocument;
    expect(doc.results[0]?.text).toBe('LE21ABC');
    expect(doc.results[0]?.camera).toBe('cam-street');
    expect(doc.results[0]?.pattern).toBe('LE2*');
    const human = await sightline(['search', 'plate', 'LE21ABC', '--store', store]);
    expect(human.stdout).toMatch(/cam-street.*LE21ABC/);
  });

  it('limits a face search by camera and time window', async () => {
    const hits = async (...extra: string[]): Promise<SearchDocument> => {
      const r = await sightline([
        'search',
        'face',
        fixturePath('queries/person-a.jpg'),
        '--store',
        store,
        '--json',
        ...extra,
      ]);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as SearchDocument;
    };
    expect((await hits('--camera', 'cam-lobby')).results.length).toBeGreaterThan(0);
    expect((await hits('--camera', 'cam-street')).results).toEqual([]);
    // person-a crosses the lobby from 11:00:00 UTC (no register: times are UTC)
    expect(
      (await hits('--from', '2023-08-01T11:00:00Z', '--to', '2023-08-01T11:00:10Z')).results.length,
    ).toBeGreaterThan(0);
    const late = await hits('--from', '2023-08-01T11:01:00Z');
    expect(late.results).toEqual([]);
    expect(late.query.from).toBe('2023-08-01T11:01:00Z');
  });

  it('searches a plate watchlist: each hit names its pattern and label, --limit applies per pattern', async () => {
    const list = join(root, 'wanted.txt');
    writeFileSync(list, '# wanted vehicles\nLE21ABC,red car\n\nKX6*\n');
    const r = await sightline([
      'search',
      'plate',
      '--watchlist',
      list,
      '--limit',
      '1',
      '--store',
      store,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as SearchDocument;
    const hits = doc.results as Array<SearchDocument['results'][number] & { label?: string }>;
    expect(hits.map((h) => [h.pattern, h.text, h.label])).toEqual([
      ['LE21ABC', 'LE21ABC', 'red car'],
      ['KX6*', 'KX68TYP', undefined],
    ]);
  });

  it('searches a face watchlist: one result set per person; a photo without a face is named, exit 1', async () => {
    const dir = join(root, 'watchlist');
    for (const [person, photos] of [
      ['alice', ['person-a.jpg', 'person-a-tight.jpg']],
      ['bob', ['person-b.jpg', 'no-face.jpg']],
    ] as const) {
      mkdirSync(join(dir, person), { recursive: true });
      for (const p of photos) copyFileSync(fixturePath(`queries/${p}`), join(dir, person, p));
    }
    const r = await sightline(['search', 'face', '--watchlist', dir, '--store', store, '--json']);
    expect(r.code).toBe(1);
    expect(userLines(r.stderr).join('\n')).toMatch(/no face found in .*no-face\.jpg/);
    const doc = JSON.parse(r.stdout) as SearchDocument;
    const people = new Set(doc.results.map((h) => h.pattern));
    expect(people).toEqual(new Set(['alice', 'bob']));
    expect(doc.results.every((h) => h.camera === 'cam-lobby')).toBe(true);
  });

  it('exports a bundle that verify passes, and catches one flipped byte', async () => {
    const out = join(root, 'bundle');
    const r = await sightline([
      'export',
      join(root, 'face.json'),
      '--out',
      out,
      '--store',
      store,
      '--case',
      'CASE-7',
      '--examiner',
      'A. Examiner',
    ]);
    expect(userLines(r.stderr).filter((l) => !l.startsWith('bundle '))).toEqual([]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { files: unknown };
    expect(manifest.files).toBeTruthy();
    expect((await sightline(['verify', out])).code).toBe(0);
    const csv = join(out, 'timeline.csv');
    const bytes = readFileSync(csv);
    bytes[10] = bytes[10]! ^ 1;
    writeFileSync(csv, bytes);
    const bad = await sightline(['verify', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/timeline\.csv/);
  });

  it("signs a bundle with the examiner's Ed25519 key; verify --key names it, refuses another key", async () => {
    const pem = (k: KeyObject, type: 'pkcs8' | 'spki'): string =>
      k.export({ type, format: 'pem' }).toString();
    const keys = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(join(root, 'examiner.pem'), pem(keys.privateKey, 'pkcs8'));
    writeFileSync(join(root, 'examiner.pub.pem'), pem(keys.publicKey, 'spki'));
    writeFileSync(join(root, 'other.pub.pem'), pem(other.publicKey, 'spki'));
    writeFileSync(join(root, 'rsa.pem'), pem(rsa.privateKey, 'pkcs8'));
    const out = join(root, 'bundle-signed');
    const r = await sightline([
      'export',
      join(root, 'face.json'),
      '--out',
      out,
      '--sign',
      join(root, 'examiner.pem'),
    ]);
    expect(r.code).toBe(0);
    const fp = /signed by (SHA256:\S+)/.exec(r.stdout)?.[1];
    expect(fp).toBeTruthy();
    const ok = await sightline(['verify', out, '--key', join(root, 'examiner.pub.pem')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`signed by ${fp}: the key given`);
    const wrong = await sightline(['verify', out, '--key', join(root, 'other.pub.pem')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/FAIL seal\.sig: signed by another key/);
    const notEd = await sightline([
      'export',
      join(root, 'face.json'),
      '--out',
      join(root, 'b-rsa'),
      '--sign',
      join(root, 'rsa.pem'),
    ]);
    expect(notEd.code).toBe(2);
    expect(userLines(notEd.stderr)).toEqual([
      expect.stringMatching(/is a rsa key, not Ed25519: make one with 'openssl genpkey/),
    ]);
  });

  it('exports without --store: the results file names the store it was searched in', async () => {
    const out = join(root, 'bundle-no-store');
    const r = await sightline(['export', join(root, 'face.json'), '--out', out]);
    expect(userLines(r.stderr).filter((l) => !l.startsWith('bundle '))).toEqual([]);
    expect(r.code).toBe(0);
    expect((await sightline(['verify', out])).code).toBe(0);
  });

  it.each([
    ['a photo with no face', ['search', 'face', 'fixtures/generated/queries/no-face.jpg'], /no face found/],
    ['an empty plate pattern', ['search', 'plate', ''], /empty plate pattern/],
    ['an illegal plate pattern', ['search', 'plate', 'AB<1>'], /holds "<"/],
    ['a missing store', ['stats', '--store', '/nonexistent/store'], /no store at/],
    ['a bad --fps', ['index', 'x.mp4', '--fps', 'fast'], /--fps/],
    [
      'a results file that is not one',
      ['export', 'package.json', '--out', '/tmp/sightline-never'],
      /results|search/i,
    ],
  ])('%s: exit 2 and one line, no stack', async (_name, args, message) => {
    const r = await sightline([
      ...args,
      ...(args[0] === 'stats' || args[0] === 'export' ? [] : ['--store', store]),
    ]);
    expect(r.code).toBe(2);
    const lines = userLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
