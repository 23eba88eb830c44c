/**
 * The report as an ordered list of blocks, built once from ReportData, so report.html and
 * report.pdf show the same content in the same order (issue 19): findings first (the case, what
 * was asked with the query photos, one summary row a sighting, the limits), then each sighting,
 * then the appendix (cameras, method: only the models these results depend on, sources, the audit
 * trail, measured error rates typeset from docs/accuracy.md), and the examiner's declaration.
 */
import { zonedParts } from '../core/time.js';
import { type ListItem, markdownBlocks, type Run } from './markdown.js';
import {
  LIMITATIONS,
  NOT_MEASURED,
  type ReportData,
  TRAIL_NOTE,
  boundaryWords,
  cameraFacts,
  cameraLabel,
  legWords,
  statusLabel,
} from './report-data.js';
import { type TimelineEntry, evidenceTime } from './timeline.js';

export type Cell = { runs: Run[] } | { image: Buffer; alt: string; height: number };

export type Block =
  | { kind: 'title'; text: string }
  | { kind: 'heading'; level: 1 | 2 | 3; text: string; newPage?: boolean }
  | { kind: 'kv'; rows: Array<[string, string]> }
  | { kind: 'para'; runs: Run[]; tone?: 'warn' | 'small' }
  | { kind: 'list'; items: ListItem[] }
  | { kind: 'table'; head: string[]; rows: Cell[][]; widths: number[] }
  | { kind: 'image'; png: Buffer; alt: string; maxHeight: number; narrow?: boolean; caption?: string }
  | { kind: 'declaration'; examiner: string | null; caseId: string | null };

const text = (s: string): Run[] => [{ text: s }];
const cell = (s: string): Cell => ({ runs: text(s) });

/** A UTC instant in a camera's own time zone: "2026-03-01 13:00:05 (Asia/Karachi, GMT+5)". */
export function localTime(iso: string | null, timeZone: string | null | undefined): string {
  if (!iso) return 'unknown';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return 'unknown';
  if (!timeZone) return 'camera not in the register';
  const parts = zonedParts(t, timeZone, true);
  const p = (type: string): string => parts[type] ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')} (${timeZone}, ${p('timeZoneName')})`;
}

/** A UTC instant as "2026-03-01 08:00:05 UTC". */
export function utcTime(iso: string | null): string {
  if (!iso) return 'unknown';
  return `${iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '')
    .replace(/Z$/, '')} UTC`;
}

/** How strong a sighting's match is, in a few words (`brief`: the band only, for the summary). */
export function matchWords(e: TimelineEntry, brief = false): string {
  const score = e.score.toFixed(2);
  const thr = e.threshold !== null ? `, threshold ${e.threshold.toFixed(2)}` : '';
  if (e.kind === 'face') {
    const strength = brief ? e.strengthBand && `${e.strengthBand} match` : e.strength;
    return strength ? `${strength} (score ${score}${thr})` : `score ${score}${thr}`;
  }
  const read = e.text ? `read ${e.text}` : 'plate';
  return `${read}${e.pattern && e.pattern !== e.text ? ` for ${e.pattern}` : ''} (score ${score})`;
}

function whatWasAsked(d: ReportData): Block[] {
  const q = d.query;
  const out: Block[] = [{ kind: 'heading', level: 2, text: 'What was asked' }];
  const str = (k: string): string | null => (typeof q[k] === 'string' ? (q[k] as string) : null);
  const windowRows: Array<[string, string]> = [
    ...(str('from') ? ([['From', str('from')!]] as Array<[string, string]>) : []),
    ...(str('to') ? ([['To', str('to')!]] as Array<[string, string]>) : []),
    ...(Array.isArray(q.cameras)
      ? ([['Cameras', (q.cameras as string[]).join(', ')]] as Array<[string, string]>)
      : []),
  ];
  if (q.kind === 'face') {
    const watch = str('watchlist');
    out.push({
      kind: 'para',
      runs: text(
        watch
          ? `Face watchlist search: sightings of each person of the watchlist ${watch}, by the photos below.`
          : `Face search: sightings of the person in the ${d.queryPhotos.length === 1 ? 'photo' : `${d.queryPhotos.length} photos`} below.`,
      ),
    });
    for (const p of d.queryPhotos) {
      const caption = `${p.person ? `${p.person}: ` : ''}${p.name} — SHA-256 ${p.sha256}${p.file ? ` (copy in the bundle: ${p.file})` : ''}${p.note ? `; ${p.note}` : ''}`;
      if (p.png)
        out.push({
          kind: 'image',
          png: p.png,
          alt: `query photo ${p.name}`,
          maxHeight: 170,
          narrow: true,
          caption,
        });
      else out.push({ kind: 'para', runs: text(caption), tone: 'warn' });
    }
  } else if (q.kind === 'plate') {
    const pats = Array.isArray(q.patterns) ? (q.patterns as Array<{ pattern: string; label?: string }>) : [];
    const watch = str('watchlist');
    out.push({
      kind: 'para',
      runs: text(
        `${watch ? `Plate watchlist search (${watch}): ` : 'Plate search: '}${pats
          .slice(0, 30)
          .map((p) => (p.label ? `${p.pattern} (${p.label})` : p.pattern))
          .join(', ')}${pats.length > 30 ? `, and ${pats.length - 30} more` : ''}; ${
          q.exact
            ? 'exact readings only'
            : 'readings that differ by OCR look-alikes (0/O, 1/I, 5/S, 8/B …) also match'
        }.`,
      ),
    });
    if (str('vehicle') || str('colour'))
      windowRows.push(['Vehicle', [str('colour'), str('vehicle')].filter(Boolean).join(' ')]);
  } else {
    out.push({
      kind: 'para',
      runs: text(
        'Recurring faces: people seen in several tracks or cameras of the store, grouped by face similarity, with no query photo.',
      ),
    });
  }
  const trail = q.trail as { maxSpeedKmh?: number } | undefined;
  if (trail)
    out.push({
      kind: 'para',
      runs: text(
        `Then: the movement of the subject across cameras, legs faster than ${trail.maxSpeedKmh ?? 200} km/h marked implausible.`,
      ),
    });
  const convoy = q.convoy as { withinSeconds?: number; minCameras?: number } | undefined;
  if (convoy)
    out.push({
      kind: 'para',
      runs: text(
        `Then: who travelled with the subject: plates and people seen within ±${convoy.withinSeconds ?? 60} s of its sightings at ${convoy.minCameras ?? 2} or more cameras. The sightings below are the companions'.`,
      ),
    });
  if (typeof q.threshold === 'number') windowRows.push(['Threshold', String(q.threshold)]);
  if (windowRows.length > 0) out.push({ kind: 'kv', rows: windowRows });
  return out;
}

function whatWasFound(
  d: ReportData,
  zone: (id: string) => string | null,
  name: (id: string) => string,
): Block[] {
  const cams = new Set(d.timeline.map((e) => e.camera));
  const review = d.review;
  const out: Block[] = [
    { kind: 'heading', level: 2, text: 'What was found' },
    ...(review
      ? ([
          {
            kind: 'para',
            runs: [
              {
                text: `Reviewed by ${review.examiner} on ${utcTime(review.reviewedAt)}: ${review.accepted} sighting${review.accepted === 1 ? '' : 's'} accepted (below); ${review.rejected} rejected and ${review.unreviewed} not reviewed, which are not in this report.`,
                bold: true,
              },
            ],
          },
        ] as Block[])
      : []),
    {
      kind: 'para',
      runs: text(
        d.timeline.length === 0
          ? 'No sightings.'
          : `${d.timeline.length} sighting${d.timeline.length === 1 ? '' : 's'} at ${cams.size} camera${cams.size === 1 ? '' : 's'}, in time order:`,
      ),
    },
  ];
  if (d.timeline.length > 0)
    out.push({
      kind: 'table',
      head: ['No.', 'Image', 'Camera', 'Local time', 'UTC', 'Duration', 'Match'],
      widths: [0.05, 0.13, 0.18, 0.2, 0.16, 0.09, 0.19],
      rows: d.timeline.map((e) => {
        const img = d.images.get(e.n);
        return [
          cell(String(e.n)),
          img ? { image: img.crop, alt: `crop #${e.n}`, height: 46 } : cell('—'),
          cell(`${name(e.camera)}${e.cameraPlace ? `\n${e.cameraPlace}` : ''}`),
          cell(localTime(e.startTime, zone(e.camera))),
          cell(utcTime(e.startTime)),
          cell(`${(e.endOffset - e.startOffset).toFixed(1)} s`),
          cell(
            `${matchWords(e, true)}${e.boundary ? `; ${e.boundary}` : ''}${e.sourceStatus !== 'intact' ? `; SOURCE ${statusLabel(e.sourceStatus)}` : ''}`,
          ),
        ];
      }),
    });
  return out;
}

function sightingBlocks(
  d: ReportData,
  e: TimelineEntry,
  zone: (id: string) => string | null,
  name: (id: string) => string,
): Block[] {
  const img = d.images.get(e.n);
  const at = evidenceTime(e);
  const rows: Array<[string, string]> = [
    ['Camera', `${name(e.camera)}${e.cameraPlace ? `, at ${e.cameraPlace}` : ''}`],
    [
      'Local time',
      zone(e.camera) && e.startTime
        ? `${localTime(e.startTime, zone(e.camera))} to ${localTime(e.endTime, zone(e.camera))}`
        : 'not known: the camera is not in the register (no time zone)',
    ],
    [
      'UTC',
      e.startTime
        ? `${utcTime(e.startTime)} to ${utcTime(e.endTime)}`
        : `+${e.startOffset.toFixed(3)} s to +${e.endOffset.toFixed(3)} s into the file (wall-clock time unknown)`,
    ],
    ['Duration', `${(e.endOffset - e.startOffset).toFixed(1)} s`],
    ['Match', matchWords(e)],
    ...(e.vehicle ? ([['Vehicle', e.vehicle]] as Array<[string, string]>) : []),
    ...(e.boundary ? ([['Boundary', boundaryWords(e.boundary)]] as Array<[string, string]>) : []),
    ...(e.pattern ? ([['Pattern / person', e.pattern]] as Array<[string, string]>) : []),
    [
      'Evidence frame',
      `${e.evidenceOffset.toFixed(3)} s into the file${e.evidencePts !== null ? ` (pts ${e.evidencePts.toFixed(6)} s)` : ''}${at ? `, ${utcTime(at)}` : ''}; box [${e.box.join(', ')}] px`,
    ],
    ['Source', `${e.sourcePath} (${statusLabel(e.sourceStatus)})`],
    ['Source SHA-256', e.sourceSha256],
    ...(e.review
      ? ([["Examiner's review", `${e.review.decision}${e.review.note ? `: ${e.review.note}` : ''}`]] as Array<
          [string, string]
        >)
      : []),
  ];
  const out: Block[] = [
    {
      kind: 'heading',
      level: 3,
      text: `#${e.n} ${name(e.camera)} — ${e.kind}${e.text ? ` “${e.text}”` : ''}`,
      newPage: e.n > 1,
    },
    { kind: 'kv', rows },
  ];
  if (e.sourceStatus !== 'intact')
    out.push({
      kind: 'para',
      tone: 'warn',
      runs: text(
        `The source file ${e.sourceStatus === 'missing' ? 'is missing' : 'has changed since it was indexed'}: treat this sighting's frames with caution.`,
      ),
    });
  if (img && e.files) {
    out.push(
      {
        kind: 'image',
        png: img.clean,
        alt: `clean frame #${e.n}`,
        maxHeight: 200,
        caption: e.redacted
          ? `Redacted frame (${e.redacted.regions} bystander region${e.redacted.regions === 1 ? '' : 's'} blurred): ${e.files.clean}; SHA-256 of the frame before redaction ${e.redacted.unredactedSha256}`
          : `Clean frame, as decoded from the source: ${e.files.clean}`,
      },
      {
        kind: 'image',
        png: img.annotated,
        alt: `annotated frame #${e.n}`,
        maxHeight: 200,
        caption: `Annotated copy: ${e.files.annotated}`,
      },
      {
        kind: 'image',
        png: img.crop,
        alt: `crop #${e.n}`,
        maxHeight: 130,
        narrow: true,
        caption: `Crop: ${e.files.crop} (SHA-256 of every file in manifest.json)`,
      },
    );
  } else
    out.push({
      kind: 'para',
      tone: 'warn',
      runs: text(`No evidence frame: ${e.frameError ?? 'not extracted'}`),
    });
  return out;
}

/** The report's blocks, in reading order. */
export function reportBlocks(d: ReportData): Block[] {
  const registered = new Map(d.cameras.map((c) => [c.id, c.camera]));
  const name = (id: string): string => cameraLabel(id, registered.get(id));
  const zone = (id: string): string | null => registered.get(id)?.timezone ?? null;
  const out: Block[] = [
    { kind: 'title', text: 'Sightline evidence report' },
    {
      kind: 'kv',
      rows: [
        ['Case', d.caseId ?? '(not given)'],
        ['Examiner', d.examiner ?? '(not given)'],
        ['Exported', utcTime(d.createdAt)],
        ['Tool', `Sightline ${d.toolVersion} (method and models in the appendix)`],
      ],
    },
  ];
  if (d.problems.length > 0)
    out.push(
      { kind: 'para', tone: 'warn', runs: [{ text: 'Problems found during export:', bold: true }] },
      { kind: 'list', items: d.problems.map((p) => ({ runs: text(p), depth: 0 })) },
    );
  out.push(...whatWasAsked(d), ...whatWasFound(d, zone, name));
  out.push(
    { kind: 'heading', level: 2, text: 'Limits' },
    {
      kind: 'para',
      runs: text(
        'Each sighting is an automated lead, not an identification: a person must check it against its clean frame and the footage before relying on it. Scores are model similarities, not probabilities; people and vehicles present may have been missed. Measured error rates and the full limitations are in the appendix.',
      ),
    },
  );
  if (d.redaction)
    out.push(
      { kind: 'heading', level: 2, text: 'Redaction' },
      {
        kind: 'para',
        runs: text(
          `Bystanders are blurred in every image of this bundle: ${d.redaction.faces} face${d.redaction.faces === 1 ? '' : 's'}${
            d.redaction.plates > 0
              ? ` and ${d.redaction.plates} plate${d.redaction.plates === 1 ? '' : 's'}`
              : ''
          } in ${d.redaction.frames} frame${d.redaction.frames === 1 ? '' : 's'}. Method: ${d.redaction.method}. The subject is not blurred. manifest.json records, for each frame, the SHA-256 of the frame before redaction, which anyone can re-derive from the original footage.`,
        ),
      },
    );
  if (d.trail) {
    out.push({ kind: 'heading', level: 2, text: 'Trail' }, { kind: 'para', runs: text(TRAIL_NOTE) });
    if (d.trail.map && d.trail.mapFile)
      out.push({
        kind: 'image',
        png: d.trail.map,
        alt: 'map of the trail',
        maxHeight: 330,
        caption: `Map: ${d.trail.mapFile} (SHA-256 in manifest.json)`,
      });
    out.push(
      d.trail.legs.length === 0
        ? { kind: 'para', runs: text('No legs: every sighting is at one camera.') }
        : {
            kind: 'table',
            head: ['Leg', 'From', 'To', 'Left → arrived', 'Distance', 'Time', 'Speed', ''],
            widths: [0.05, 0.14, 0.14, 0.25, 0.1, 0.08, 0.09, 0.15],
            rows: d.trail.legs.map((l, i) => legWords(l, i, name).map(cell)),
          },
    );
  }
  out.push({ kind: 'heading', level: 2, text: 'Sightings', newPage: true });
  if (d.timeline.length === 0) out.push({ kind: 'para', runs: text('No sightings.') });
  for (const e of d.timeline) out.push(...sightingBlocks(d, e, zone, name));

  out.push(
    { kind: 'heading', level: 2, text: 'Appendix A — Cameras', newPage: true },
    { kind: 'kv', rows: d.cameras.flatMap(cameraFacts) },
    { kind: 'heading', level: 2, text: 'Appendix B — Method' },
    {
      kind: 'para',
      runs: text(
        `Sightline ${d.toolVersion}${d.gitCommit ? ` (git ${d.gitCommit})` : ''}. The models these results depend on, with the SHA-256 of their weights:`,
      ),
    },
    d.models.length === 0
      ? { kind: 'para', runs: text('(none recorded)') }
      : {
          kind: 'table',
          head: ['Model', 'Package / file', 'Weights SHA-256', 'Licence, provenance'],
          widths: [0.2, 0.25, 0.3, 0.25],
          rows: d.models.map((m) => [
            cell(m.id),
            cell(`${m.package}/${m.file}`),
            { runs: [{ text: m.sha256, code: true }] },
            cell(m.provenance ?? ''),
          ]),
        },
    { kind: 'heading', level: 3, text: 'Thresholds and sampling settings' },
    { kind: 'kv', rows: d.settings.length > 0 ? d.settings : [['settings', '(none recorded)']] },
    { kind: 'heading', level: 3, text: 'Results file' },
    {
      kind: 'kv',
      rows: [
        [
          'Results file',
          d.resultsFile ? `${d.resultsFile.path} (SHA-256 ${d.resultsFile.sha256})` : '(given in memory)',
        ],
      ],
    },
    { kind: 'heading', level: 2, text: 'Appendix C — Sources' },
    {
      kind: 'table',
      head: ['Path', 'Camera', 'Size (index / now)', 'SHA-256 at index / now', 'Status'],
      widths: [0.26, 0.12, 0.14, 0.36, 0.12],
      rows: d.sources.map((s) => [
        cell(s.path),
        cell(s.cameras.join(', ')),
        cell(`${s.sizeAtIndex ?? '?'} / ${s.sizeAtExport ?? '—'} bytes`),
        { runs: [{ text: `${s.sha256AtIndex}\n${s.sha256AtExport ?? '— (missing)'}`, code: true }] },
        cell(statusLabel(s.status)),
      ]),
    },
    { kind: 'heading', level: 2, text: 'Appendix D — Audit trail' },
    { kind: 'kv', rows: d.audit },
    { kind: 'heading', level: 2, text: 'Appendix E — Limitations and measured error rates' },
    { kind: 'list', items: LIMITATIONS.map((l) => ({ runs: text(l), depth: 0 })) },
  );
  if (d.accuracy === null) out.push({ kind: 'para', runs: text(NOT_MEASURED) });
  else
    for (const b of markdownBlocks(d.accuracy)) {
      if (b.kind === 'heading')
        out.push({ kind: 'heading', level: 3, text: b.runs.map((r) => r.text).join('') });
      else if (b.kind === 'para') out.push({ kind: 'para', runs: b.runs, tone: 'small' });
      else if (b.kind === 'list') out.push({ kind: 'list', items: b.items });
      else
        out.push({
          kind: 'table',
          head: b.head.map((h) => h.map((r) => r.text).join('')),
          widths: b.head.map(() => 1 / b.head.length),
          rows: b.rows.map((r) => r.map((c) => ({ runs: c }))),
        });
    }
  out.push({ kind: 'declaration', examiner: d.examiner, caseId: d.caseId });
  return out;
}

export const DECLARATION =
  'I have examined each sighting listed in this report against its clean evidence frame and, where needed, the original footage. The files of this bundle are those listed in manifest.json, whose SHA-256 is printed on every page.';
