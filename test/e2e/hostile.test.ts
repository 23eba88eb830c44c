/**
 * Hostile input (issue 7, items 4–5): every bad input is exit 2 with one plain line and no stack
 * (--debug shows it); markup and control characters in file names, camera ids, case ids and
 * examiner names never reach the terminal raw and come out escaped in report.html and timeline.csv.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchDocument } from '../../src/core/types.js';
import { sightline, userLines } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { cutClip, STACK_LINE } from '../helpers/reliability.js';
import { tempDir } from '../helpers/temp.js';

const ESC = '\u001b';
const FOLDER = `cam${ESC}[31m<i>`;
// No '/' in a POSIX file name, so the markup is a tag with attributes rather than <b>…</b>.
const FILE = '<img src=x onerror=alert(1)>&.mp4';
const CASE = '<script>alert(1)</script>';
const EXAMINER = '=HYPERLINK("http://evil.example","click")';

/** A PNG whose header says 9000x9000 (81 Mpx): the size is refused before any pixel is decoded. */
function hugePng(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(9000, 0);
  ihdr.writeUInt32BE(9000, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(9001 * 4))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('hostile input and hostile names', () => {
  const root = tempDir();
  const store = join(root, 'store');
  const footage = join(root, 'footage');
  const clip = join(footage, FOLDER, FILE);
  const results = join(root, 'results.json');
  let indexRun: Awaited<ReturnType<typeof sightline>>;
  let doc: SearchDocument;

  beforeAll(async () => {
    mkdirSync(join(footage, FOLDER), { recursive: true });
    // The first 4 s of the street clip: LE21ABC is readable from 1.04 s to 3.88 s.
    cutClip(fixturePath('cam-street/ch01_20230801110500.mp4'), clip, 4);
    indexRun = await sightline(['index', footage, '--store', store, '--no-faces', '--fps', '2']);
    const r = await sightline(['search', 'plate', 'LE2*', '--store', store, '--json']);
    writeFileSync(results, r.stdout);
    doc = JSON.parse(r.stdout) as SearchDocument;
    writeFileSync(join(root, 'not-an-image.jpg'), 'this is text, not a JPEG\n');
    writeFileSync(
      join(root, 'corrupt.jpg'),
      readFileSync(fixturePath('queries/person-a.jpg')).subarray(0, 2000),
    );
    writeFileSync(join(root, 'huge.png'), hugePng());
    mkdirSync(join(root, 'not-empty'));
    writeFileSync(join(root, 'not-empty', 'keep.txt'), 'x');
    writeFileSync(join(root, 'a-file'), 'x');
    mkdirSync(join(root, 'not-a-store'));
    writeFileSync(join(root, 'not-a-store', 'notes.txt'), 'x');
    const edited = structuredClone(doc) as unknown as { results: Array<Record<string, unknown>> };
    edited.results[0]!.score = 'very high';
    writeFileSync(join(root, 'edited-type.json'), JSON.stringify(edited));
    const forged = structuredClone(doc) as unknown as { results: Array<{ source: { sha256: string } }> };
    forged.results[0]!.source.sha256 = 'f'.repeat(64);
    writeFileSync(join(root, 'edited-source.json'), JSON.stringify(forged));
    writeFileSync(join(root, 'cut-short.json'), readFileSync(results, 'utf8').slice(0, 200));
  }, 120_000);

  it('indexes the clip under its hostile name, with nothing raw on the terminal', () => {
    expect(indexRun.code).toBe(0);
    expect(doc.results[0]?.text).toBe('LE21ABC');
    expect(doc.results[0]?.source.path).toBe(clip);
    expect(indexRun.stderr + indexRun.stdout).not.toContain(ESC);
    expect(indexRun.stderr).toContain(FILE);
  });

  it('search and stats print hostile names without escape bytes', async () => {
    const human = await sightline(['search', 'plate', 'LE21ABC', '--store', store]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/LE21ABC/);
    expect(human.stdout).not.toContain(ESC);
    const stats = await sightline(['stats', '--store', store]);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toContain(FILE);
    expect(stats.stdout).not.toContain(ESC);
  });

  it('report.html and timeline.csv escape markup, control characters and formulas', async () => {
    const out = join(root, 'bundle');
    const r = await sightline([
      'export',
      results,
      '--out',
      out,
      '--store',
      store,
      '--case',
      CASE,
      '--examiner',
      EXAMINER,
      '--format',
      'html,csv,json',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr + r.stdout).not.toContain(ESC);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&amp;.mp4');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain(ESC);
    const csv = readFileSync(join(out, 'timeline.csv'), 'utf8');
    expect(csv).toContain(FILE);
    // No cell may start with a formula character.
    for (const cell of csv.split(/[\n,]/)) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
    expect((await sightline(['verify', out])).code).toBe(0);
  });

  // source_path once carried its raw ESC byte, so `cat timeline.csv` drove the terminal.
  it('timeline.csv carries no raw control characters', () => {
    const csv = readFileSync(join(root, 'bundle', 'timeline.csv'), 'utf8');
    expect(csv).not.toContain(ESC);
  });

  it('a results file whose source hash was edited is exported with the source marked ALTERED, exit 1', async () => {
    const r = await sightline([
      'export',
      join(root, 'edited-source.json'),
      '--out',
      join(root, 'o3'),
      '--store',
      store,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ALTERED/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  // "same content as <path>" names the other file: its raw bytes once reached the terminal.
  it('a copy names the hostile original without escape bytes', async () => {
    mkdirSync(join(root, 'copy'));
    copyFileSync(clip, join(root, 'copy', 'same.mp4'));
    const r = await sightline(['index', join(root, 'copy'), '--store', store, '--no-faces', '--fps', '2']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/same content as/);
    expect(r.stderr).not.toContain(ESC);
  });

  const cases: Array<[string, (root: string, store: string) => string[], RegExp]> = [
    [
      'a text file named .jpg as query photo',
      (d, s) => ['search', 'face', join(d, 'not-an-image.jpg'), '--store', s],
      /cannot be read as an image/,
    ],
    [
      'a truncated JPEG as query photo',
      (d, s) => ['search', 'face', join(d, 'corrupt.jpg'), '--store', s],
      /cannot be read as an image/,
    ],
    [
      'an 81-megapixel PNG as query photo',
      (d, s) => ['search', 'face', join(d, 'huge.png'), '--store', s],
      /9000x9000 pixels, over the 50 Mpx limit/,
    ],
    [
      'a photo with no face',
      (_d, s) => ['search', 'face', fixturePath('queries/no-face.jpg'), '--store', s],
      /no face found/,
    ],
    ['a missing photo', (d, s) => ['search', 'face', join(d, 'missing.jpg'), '--store', s], /does not exist/],
    ['an empty plate pattern', (_d, s) => ['search', 'plate', '', '--store', s], /empty plate pattern/],
    ['an illegal plate pattern', (_d, s) => ['search', 'plate', 'AB<1>', '--store', s], /holds "<"/],
    [
      'a pattern of wildcards only',
      (_d, s) => ['search', 'plate', '***', '--store', s],
      /no letter or digit/,
    ],
    [
      'a missing footage path',
      (d, s) => ['index', join(d, 'no-such-folder'), '--store', s],
      /does not exist: check the path/,
    ],
    [
      'a non-empty export folder',
      (d, s) => ['export', join(d, 'results.json'), '--out', join(d, 'not-empty'), '--store', s],
      /is not empty/,
    ],
    [
      'a results file that is not a search result',
      (d, s) => ['export', join(d, 'a-file'), '--out', join(d, 'o1'), '--store', s],
      /search/,
    ],
    [
      'a results file with a hand-edited score',
      (d, s) => ['export', join(d, 'edited-type.json'), '--out', join(d, 'o2'), '--store', s],
      /score/,
    ],
    [
      'a results file cut short',
      (d, s) => ['export', join(d, 'cut-short.json'), '--out', join(d, 'o4'), '--store', s],
      /search|JSON/i,
    ],
    ['--store pointing at a file (stats)', (d) => ['stats', '--store', join(d, 'a-file')], /is a file/],
    [
      '--store pointing at a file (search)',
      (d) => ['search', 'plate', 'LE2*', '--store', join(d, 'a-file')],
      /is a file/,
    ],
    [
      '--store pointing at a file (index)',
      (d) => ['index', fixturePath('odd/rotated.mp4'), '--store', join(d, 'a-file')],
      /is a file/,
    ],
    [
      '--store pointing at a non-store folder (stats)',
      (d) => ['stats', '--store', join(d, 'not-a-store')],
      /not a Sightline store/,
    ],
    [
      '--store pointing at a non-store folder (index)',
      (d) => ['index', fixturePath('odd/rotated.mp4'), '--store', join(d, 'not-a-store')],
      /not a Sightline store/,
    ],
    ['an unknown option', (_d, s) => ['stats', '--store', s, '--bogus'], /unknown option '--bogus'/],
  ];

  it.concurrent.each(cases)('%s: exit 2, one line, no stack', async (_name, args, message) => {
    const r = await sightline(args(root, store));
    expect(r.code).toBe(2);
    const lines = userLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('--debug adds the stack', async () => {
    const r = await sightline(['search', 'face', join(root, 'huge.png'), '--store', store, '--debug']);
    expect(r.code).toBe(2);
    expect(userLines(r.stderr)[0]).toMatch(/over the 50 Mpx limit/);
    expect(r.stderr).toMatch(STACK_LINE);
  });

  it('a non-store folder given to index is left untouched', () => {
    expect(readFileSync(join(root, 'not-a-store', 'notes.txt'), 'utf8')).toBe('x');
  });
});
