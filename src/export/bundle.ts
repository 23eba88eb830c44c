import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';
import { safeFileComponent } from '../core/escape.js';
import type { Camera } from '../core/cameras.js';
import type { SearchDocument, SearchResult, SourceInfo } from '../core/types.js';
import { InputError, errorMessage } from '../errors.js';
import type { AuditLog } from '../infra/audit-log.js';
import { extractFramePng } from '../infra/evidence-frame.js';
import { sha256Buffer, sha256File } from '../infra/hash.js';
import { fingerprint, publicPem, signBytes } from '../infra/signing.js';
import { hashTree } from './files.js';
import { annotate, displayCopy } from './frames.js';
import { SEAL_FILE, SEAL_FORMAT, SIGNATURE_FILE, type Seal, buildManifest } from './manifest.js';
import {
  type CameraLine,
  type ModelRecord,
  type QueryPhoto,
  type ReportData,
  type SourceCheck,
  flattenSettings,
  modelsUsed,
} from './report-data.js';
import { renderHtml } from './report-html.js';
import { renderPdf } from './report-pdf.js';
import { drawTrailMap } from './trail-map.js';
import { type Redactor, redactFrame } from './redact.js';
import type { RedactRegion } from '../core/redact.js';
import {
  type SourceStatus,
  type TimelineEntry,
  buildTimeline,
  evidenceTime,
  timelineCsv,
} from './timeline.js';

export type { ModelRecord } from './report-data.js';

/**
 * A source as the store recorded it at index time. The time source is kept as the store's
 * string: a bundle may be made from a store written by an older Sightline.
 */
export interface SourceRecord extends Omit<SourceInfo, 'startTimeSource' | 'id'> {
  startTimeSource: string;
  indexedAt: string;
}

export type ExportFormat = 'pdf' | 'html' | 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['pdf', 'html', 'csv', 'json'];

/** What the store provides to an export. */
export interface ExportStoreContext {
  /** The source of this content at this path (else any source of this content). */
  lookupSource(sha256: string, path: string): Promise<SourceRecord | undefined>;
  models: ModelRecord[];
  /** Thresholds and sampling, as recorded at index/search time. */
  settings: Record<string, unknown>;
  /** The store's own audit log; the export is appended to it. */
  audit: AuditLog;
  /** The camera register: names, places, time zones and clock offsets of the cameras. */
  cameras?: ReadonlyMap<string, Camera>;
}

export interface ExportInputs extends ExportStoreContext {
  doc: SearchDocument;
  out: string;
  caseId?: string;
  examiner?: string;
  formats: ExportFormat[];
  toolVersion: string;
  gitCommit: string | null;
  /** The results file the document came from, recorded in the manifest. */
  resultsFile?: { path: string; sha256: string };
  /** Measured error rates to quote; default <project>/docs/accuracy.md when present. */
  accuracyPath?: string;
  now?: () => Date;
  /** Frames extracted at once (default 2). */
  concurrency?: number;
  /** The examiner's Ed25519 private key (`export --sign`): the seal is signed with it. */
  signingKey?: KeyObject;
  /** `export --redact`: bystanders found again and blurred in every image. */
  redactor?: Redactor;
}

interface RedactedFrame {
  unredactedSha256: string;
  regions: RedactRegion[];
}

export interface ExportOutcome {
  out: string;
  /** Paths of sources changed or missing since indexing (exported anyway, marked). */
  altered: string[];
  /** Every file of the bundle, relative, '/' separated. */
  files: string[];
  /** Other things that went wrong (a frame that could not be extracted…). */
  problems: string[];
  manifestSha256: string;
  /** Fingerprint of the key that signed the seal, when signed. */
  signedBy: string | null;
  timeline: TimelineEntry[];
}

/** The trail's route on a map of its cameras, in a bundle made from a trail document. */
export const TRAIL_MAP_FILE = 'trail-map.png';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function assertFreshOut(out: string): Promise<void> {
  let entries: string[];
  try {
    const st = await stat(out);
    if (!st.isDirectory())
      throw new InputError(`--out ${out} exists and is not a directory: give a new folder`);
    entries = await readdir(out);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length > 0) {
    throw new InputError(
      `--out ${out} is not empty: give a new or empty folder (a bundle is never written over)`,
    );
  }
}

function sourceKey(r: SearchResult): string {
  return `${r.source.sha256}\u0000${r.source.path}`;
}

interface CheckedSource extends SourceCheck {
  record: SourceRecord | undefined;
  /** The file actually opened, when it exists. */
  openPath: string | null;
}

/** Re-hashes one source (streamed, read-only) against the hash recorded at index time. */
async function checkSource(r: SearchResult, record: SourceRecord | undefined): Promise<CheckedSource> {
  const candidates = [record?.path, r.source.path].filter((p): p is string => typeof p === 'string');
  const openPath = candidates.find((p) => existsSync(p)) ?? null;
  const base = {
    path: r.source.path,
    cameras: [] as string[],
    sha256AtIndex: r.source.sha256,
    sizeAtIndex: record?.size ?? null,
    record,
    openPath,
  };
  if (!openPath) return { ...base, sha256AtExport: null, sizeAtExport: null, status: 'missing' };
  const size = (await stat(openPath)).size;
  const now = await sha256File(openPath);
  const status: SourceStatus = now === r.source.sha256 ? 'intact' : 'altered';
  return { ...base, sha256AtExport: now, sizeAtExport: size, status };
}

async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
}

/**
 * Writes an evidence bundle: lossless frames from the original sources, reports, timeline,
 * manifest and audit log. Sources that changed since indexing are exported and marked; the
 * caller turns a non-empty `altered` (or `problems`) into exit 1.
 */
export async function exportBundle(inputs: ExportInputs): Promise<ExportOutcome> {
  const out = resolve(inputs.out);
  await assertFreshOut(out);
  const formats = new Set(inputs.formats.length > 0 ? inputs.formats : EXPORT_FORMATS);
  const createdAt = (inputs.now ?? (() => new Date()))().toISOString();
  const problems: string[] = [];

  const chainBreak = await inputs.audit.verify();
  if (chainBreak) {
    problems.push(
      `the store's audit log is broken at entry ${chainBreak.seq} (${chainBreak.reason}); it is copied as found`,
    );
  }

  // Sources: each re-hashed once, before anything is written.
  const sources = new Map<string, CheckedSource>();
  for (const r of inputs.doc.results) {
    const key = sourceKey(r);
    let s = sources.get(key);
    if (!s) {
      s = await checkSource(r, await inputs.lookupSource(r.source.sha256, r.source.path));
      sources.set(key, s);
    }
    if (!s.cameras.includes(r.camera)) s.cameras.push(r.camera);
  }
  const register = inputs.cameras ?? new Map<string, Camera>();
  const timeline = buildTimeline(
    inputs.doc,
    inputs.settings,
    (r) => (sources.get(sourceKey(r)) as CheckedSource).status,
    register,
  );
  // the cameras of these sightings, as the register has them (in order of first sighting)
  const cameraIds = [...new Set(timeline.map((e) => e.camera))];
  const cameras: CameraLine[] = cameraIds.map((id) => ({ id, camera: register.get(id) ?? null }));
  const byN = new Map<number, SearchResult>();
  for (const e of timeline) byN.set(e.n, inputs.doc.results[e.rank] as SearchResult);

  await mkdir(join(out, 'evidence'), { recursive: true });
  await mkdir(join(out, 'query'), { recursive: true });
  const write = (rel: string, data: Buffer | string): Promise<void> =>
    writeFile(join(out, ...rel.split('/')), data, { flag: 'wx' });

  const wantReports = formats.has('pdf') || formats.has('html');
  const redactions: Array<RedactedFrame & { file: string; n: number }> = [];
  let redactLane: Promise<unknown> = Promise.resolve();
  const images = new Map<number, { clean: Buffer; annotated: Buffer; crop: Buffer }>();
  const width = String(timeline.length).length < 2 ? 2 : String(timeline.length).length;
  await pool(timeline, inputs.concurrency ?? 2, async (e) => {
    const r = byN.get(e.n) as SearchResult;
    const src = sources.get(sourceKey(r)) as CheckedSource;
    if (!src.openPath) {
      e.frameError = `source ${r.source.path} is missing`;
      return;
    }
    // pts - offset is the first frame's pts by definition; prefer what the result itself says.
    const firstPts = r.evidence.pts !== undefined ? r.evidence.pts - r.evidence.offset : src.record?.firstPts;
    if (firstPts === undefined) {
      e.frameError = `no pts for the evidence frame and no index record of ${r.source.path}`;
      problems.push(`#${e.n}: ${e.frameError}`);
      return;
    }
    const pts = r.evidence.pts ?? firstPts + r.evidence.offset;
    try {
      const decoded = await extractFramePng({
        path: src.openPath,
        pts,
        firstPts,
        fps: src.record?.fps ?? 25,
      });
      // --redact: bystanders blurred before any image is made from the frame (one frame at a time:
      // the detectors are not shared between calls)
      let clean = decoded;
      let redacted: RedactedFrame | null = null;
      if (inputs.redactor) {
        const redactor = inputs.redactor;
        const job = redactLane.then(() => redactFrame(redactor, decoded, { kind: e.kind, box: e.box }));
        redactLane = job.catch(() => undefined);
        const red = await job;
        clean = red.png;
        redacted = { unredactedSha256: sha256Buffer(decoded), regions: red.regions };
      }
      const at = evidenceTime(e) ?? `+${e.evidenceOffset.toFixed(3)} s`;
      const label = `#${e.n} ${e.camera} ${at} ${e.kind}${e.text ? ` ${e.text}` : ''} score ${e.score.toFixed(2)}`;
      const { annotated, crop } = await annotate(clean, e.box, label);
      const stem = `evidence/${String(e.n).padStart(width, '0')}-${safeFileComponent(e.camera)}-${e.evidenceOffset.toFixed(3)}`;
      const files = {
        clean: `${stem}-${redacted ? 'redacted' : 'clean'}.png`,
        annotated: `${stem}-annotated.png`,
        crop: `${stem}-crop.png`,
      };
      await write(files.clean, clean);
      await write(files.annotated, annotated);
      await write(files.crop, crop);
      e.files = files;
      if (redacted) {
        e.redacted = { unredactedSha256: redacted.unredactedSha256, regions: redacted.regions.length };
        redactions.push({ file: files.clean, n: e.n, ...redacted });
      }
      if (wantReports)
        images.set(e.n, { clean: await displayCopy(clean), annotated: await displayCopy(annotated), crop });
    } catch (err) {
      e.frameError = errorMessage(err);
      problems.push(`#${e.n} (${e.camera} +${e.evidenceOffset.toFixed(3)} s): ${e.frameError}`);
    }
  });

  const sourceList: SourceCheck[] = [...sources.values()].map(
    ({ path, cameras, sha256AtIndex, sha256AtExport, sizeAtIndex, sizeAtExport, status }) => ({
      path,
      cameras,
      sha256AtIndex,
      sha256AtExport,
      sizeAtIndex,
      sizeAtExport,
      status,
    }),
  );
  for (const s of sourceList) {
    if (s.status !== 'intact')
      problems.push(`source ${s.path} is ${s.status === 'missing' ? 'MISSING' : 'ALTERED'}`);
  }

  // a trail's route, drawn on a map of its cameras from their register coordinates
  const legs = inputs.doc.legs ?? null;
  let trail: ReportData['trail'] = null;
  if (legs) {
    const placed = cameras.flatMap((c) => (c.camera ? [c.camera] : []));
    let map: Buffer | null = null;
    if (placed.length > 0) {
      try {
        map = await drawTrailMap(placed, legs);
        await write(TRAIL_MAP_FILE, map);
      } catch (err) {
        map = null;
        problems.push(`the trail map could not be drawn: ${errorMessage(err)}`);
      }
    }
    trail = { legs, map: map ? await displayCopy(map) : null, mapFile: map ? TRAIL_MAP_FILE : null };
  }

  if (formats.has('csv')) await write('timeline.csv', timelineCsv(timeline));
  if (formats.has('json')) {
    await write(
      'timeline.json',
      `${JSON.stringify(
        {
          query: inputs.doc.query,
          createdAt,
          cameras: cameras.map((c) => c.camera ?? { id: c.id, registered: false }),
          sightings: timeline,
          ...(legs ? { legs } : {}),
        },
        null,
        2,
      )}\n`,
    );
  }
  // the query photos, copied when they are found as they were searched with
  const queryPhotos = await copyQueryPhotos(inputs.doc, write, wantReports);
  const models = modelsUsed(inputs.models, inputs.doc);
  const redactionRecord = inputs.redactor
    ? {
        method: inputs.redactor.method,
        frames: redactions
          .sort((a, b) => a.n - b.n)
          .map((r) => ({ file: r.file, unredactedSha256: r.unredactedSha256, regions: r.regions })),
      }
    : null;

  // manifest.json: every file but the reports (which print its hash) and the seal (which pins both)
  const found = await hashTree(out);
  const manifest = buildManifest({
    createdAt,
    caseId: inputs.caseId ?? null,
    examiner: inputs.examiner ?? null,
    toolVersion: inputs.toolVersion,
    gitCommit: inputs.gitCommit,
    query: inputs.doc.query,
    resultsFile: inputs.resultsFile ?? null,
    results: inputs.doc.results.length,
    models,
    settings: inputs.settings,
    sources: sourceList,
    problems,
    files: [...found].map(([path, f]) => ({ path, ...f })),
    redaction: redactionRecord,
  });
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  await write('manifest.json', manifestText);
  const manifestSha256 = sha256Buffer(manifestText);

  const reports: Array<{ path: string; sha256: string; size: number }> = [];
  if (wantReports) {
    const accuracyPath = inputs.accuracyPath ?? join(projectRoot, 'docs', 'accuracy.md');
    const accuracy = existsSync(accuracyPath) ? await readFile(accuracyPath, 'utf8') : null;
    const chainNow = await inputs.audit.entries();
    const data: ReportData = {
      caseId: inputs.caseId ?? null,
      examiner: inputs.examiner ?? null,
      createdAt,
      toolVersion: inputs.toolVersion,
      gitCommit: inputs.gitCommit,
      query: inputs.doc.query,
      resultsFile: inputs.resultsFile ?? null,
      models,
      settings: flattenSettings(inputs.settings),
      timeline,
      images,
      queryPhotos,
      audit: auditSummary(chainNow, chainBreak),
      manifestSha256,
      review: inputs.doc.review ?? null,
      redaction: redactionRecord
        ? {
            method: redactionRecord.method,
            frames: redactionRecord.frames.length,
            faces: redactionRecord.frames.reduce(
              (a, f) => a + f.regions.filter((x) => x.kind === 'face').length,
              0,
            ),
            plates: redactionRecord.frames.reduce(
              (a, f) => a + f.regions.filter((x) => x.kind === 'plate').length,
              0,
            ),
          }
        : null,
      sources: sourceList,
      cameras,
      trail,
      accuracy,
      problems,
    };
    const put = async (path: string, bytes: Buffer): Promise<void> => {
      await write(path, bytes);
      reports.push({ path, sha256: sha256Buffer(bytes), size: bytes.length });
    };
    if (formats.has('html')) await put('report.html', Buffer.from(renderHtml(data), 'utf8'));
    if (formats.has('pdf')) await put('report.pdf', await renderPdf(data));
  }

  // seal.json pins the manifest and the reports; with --sign, seal.sig is the examiner's signature of it
  const seal: Seal = {
    format: SEAL_FORMAT,
    manifestSha256,
    reports,
    signer: inputs.signingKey
      ? {
          algorithm: 'Ed25519',
          fingerprint: fingerprint(inputs.signingKey),
          publicKey: publicPem(inputs.signingKey),
        }
      : null,
  };
  const sealBytes = Buffer.from(`${JSON.stringify(seal, null, 2)}\n`, 'utf8');
  await write(SEAL_FILE, sealBytes);
  if (inputs.signingKey) await write(SIGNATURE_FILE, `${signBytes(sealBytes, inputs.signingKey)}\n`);

  // The store's log gets the export (with the manifest's and seal's hashes); the bundle gets the chain up to it.
  const entry = await inputs.audit.append('export', {
    out,
    caseId: inputs.caseId ?? null,
    examiner: inputs.examiner ?? null,
    manifestSha256,
    sealSha256: sha256Buffer(sealBytes),
    signedBy: seal.signer?.fingerprint ?? null,
    results: inputs.doc.results.length,
    files: manifest.files.length + reports.length,
    sources: sourceList.map((s) => ({
      path: s.path,
      sha256AtIndex: s.sha256AtIndex,
      sha256AtExport: s.sha256AtExport,
      status: s.status,
    })),
  });
  const chain = (await inputs.audit.entries()).filter((x) => x.seq <= entry.seq);
  await write('audit.log', chain.map((x) => `${JSON.stringify(x)}\n`).join(''));

  return {
    out,
    altered: manifest.altered,
    files: [
      ...manifest.files.map((f) => f.path),
      ...reports.map((r) => r.path),
      'manifest.json',
      SEAL_FILE,
      ...(inputs.signingKey ? [SIGNATURE_FILE] : []),
      'audit.log',
    ].sort(),
    problems,
    manifestSha256,
    signedBy: seal.signer?.fingerprint ?? null,
    timeline,
  };
}

/** The audit trail in a few lines for the report. */
function auditSummary(
  entries: ReadonlyArray<{ seq: number; time: string; action: string }>,
  brk: { seq: number; reason: string } | null,
): Array<[string, string]> {
  const actions = new Map<string, number>();
  for (const e of entries) actions.set(e.action, (actions.get(e.action) ?? 0) + 1);
  return [
    [
      'Entries',
      `${entries.length} before this export (audit.log in the bundle holds them and this export's own)`,
    ],
    ['First', entries[0] ? `${entries[0].time} (${entries[0].action})` : '—'],
    ['Last', entries.at(-1) ? `${entries.at(-1)!.time} (${entries.at(-1)!.action})` : '—'],
    ['Actions', [...actions].map(([a, n]) => `${a} ${n}`).join(', ') || '—'],
    [
      'Hash chain',
      brk ? `BROKEN at entry ${brk.seq}: ${brk.reason}` : 'intact: every entry hashes the one before',
    ],
  ];
}

/**
 * Copies each query photo of a face search into query/ when it is found with the hash the search
 * recorded, with a display copy for the reports; a photo missing or changed is listed, not copied.
 */
async function copyQueryPhotos(
  doc: SearchDocument,
  write: (rel: string, data: Buffer | string) => Promise<void>,
  display: boolean,
): Promise<QueryPhoto[]> {
  const photos = Array.isArray(doc.query.photos)
    ? (doc.query.photos as Array<{ path?: unknown; sha256?: unknown; person?: unknown }>)
    : [];
  const out: QueryPhoto[] = [];
  const width = String(photos.length).length < 2 ? 2 : String(photos.length).length;
  for (const [i, p] of photos.entries()) {
    if (typeof p.path !== 'string' || typeof p.sha256 !== 'string') continue;
    const name = basename(p.path);
    const entry: QueryPhoto = {
      name,
      sha256: p.sha256,
      ...(typeof p.person === 'string' ? { person: p.person } : {}),
      file: null,
      png: null,
    };
    let bytes: Buffer | null = null;
    try {
      bytes = await readFile(p.path);
    } catch {
      entry.note = `not found at ${p.path}: not copied`;
    }
    if (bytes && sha256Buffer(bytes) !== p.sha256) {
      entry.note = `the file at ${p.path} has changed since the search: not copied`;
      bytes = null;
    }
    if (bytes) {
      const file = `query/${String(i + 1).padStart(width, '0')}-${safeFileComponent(name)}`;
      await write(file, bytes);
      entry.file = file;
      if (display)
        entry.png = await sharp(bytes)
          .rotate()
          .resize({ width: 480, height: 480, fit: 'inside', withoutEnlargement: true })
          .png()
          .toBuffer();
    }
    out.push(entry);
  }
  return out;
}
