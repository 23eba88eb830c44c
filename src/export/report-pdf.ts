import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { plainText } from '../core/escape.js';
import { fontFile } from './frames.js';
import {
  LIMITATIONS,
  NOT_MEASURED,
  type ReportData,
  TRAIL_NOTE,
  boundaryWords,
  cameraFacts,
  cameraLabel,
  legWords,
  queryLines,
  statusLabel,
} from './report-data.js';
import { evidenceTime, timeRange } from './timeline.js';

const t = (s: string): string => plainText(s);

/** report.pdf: the same content as report.html, DejaVu embedded so any script prints. */
export async function renderPdf(d: ReportData): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: {
      Title: t(`Sightline evidence report${d.caseId ? ` - case ${d.caseId}` : ''}`),
      Author: t(d.examiner ?? ''),
      Creator: `sightline ${d.toolVersion}`,
      CreationDate: new Date(d.createdAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('body', fontFile('regular'));
  doc.registerFont('bold', fontFile('bold'));
  const width = doc.page.width - 100;

  const heading = (s: string, size = 14): void => {
    doc.moveDown(0.6).font('bold').fontSize(size).text(t(s)).moveDown(0.2).font('body').fontSize(9);
  };
  const line = (k: string, v: string): void => {
    doc
      .font('bold')
      .fontSize(9)
      .text(`${t(k)}: `, { continued: true })
      .font('body')
      .text(t(v));
  };
  const para = (s: string): void => {
    doc.font('body').fontSize(9).text(plainText(s, true)).moveDown(0.3);
  };
  const image = async (png: Buffer, maxW: number, maxH: number): Promise<void> => {
    const meta = await sharp(png).metadata();
    const scale = Math.min(1, maxW / meta.width, maxH / meta.height);
    const h = meta.height * scale;
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
    doc.image(png, doc.page.margins.left, doc.y, { width: meta.width * scale, height: h });
    doc.y += h + 4;
  };

  doc.font('bold').fontSize(18).text(t(`Sightline evidence report`));
  doc.moveDown(0.3).font('body').fontSize(9);
  line('Case', d.caseId ?? '(not given)');
  line('Examiner', d.examiner ?? '(not given)');
  line('Export date', d.createdAt);
  line('Tool version', `sightline ${d.toolVersion}`);
  line('Git commit', d.gitCommit ?? '(unknown)');
  line(
    'Results file',
    d.resultsFile ? `${d.resultsFile.path} (sha256 ${d.resultsFile.sha256})` : '(given in memory)',
  );
  line('Sightings', String(d.timeline.length));
  if (d.problems.length > 0) {
    heading('Problems found during export', 12);
    for (const p of d.problems) para(`• ${p}`);
  }

  heading('Query');
  for (const [k, v] of queryLines(d.query)) line(k, v);

  const registered = new Map(d.cameras.map((c) => [c.id, c.camera]));
  const name = (id: string): string => cameraLabel(id, registered.get(id));
  heading('Cameras');
  for (const [k, v] of d.cameras.flatMap(cameraFacts)) line(k, v);
  if (d.trail) {
    heading('Trail');
    para(TRAIL_NOTE);
    if (d.trail.map && d.trail.mapFile) {
      await image(d.trail.map, width, 340);
      para(`Map file: ${d.trail.mapFile} (SHA-256 in manifest.json).`);
    }
    if (d.trail.legs.length === 0) para('No legs: every sighting is at one camera.');
    d.trail.legs.forEach((l, i) => {
      const [n, from, to, when, km, time, speed, verdict] = legWords(l, i, name);
      line(`Leg ${n}`, `${from} → ${to}, ${when}: ${km} in ${time}, ${speed}; ${verdict}`);
    });
  }

  heading('Method');
  doc.font('bold').text('Models');
  doc.font('body');
  if (d.models.length === 0) para('(none recorded)');
  for (const m of d.models)
    line(
      m.id,
      `${m.package}/${m.file}, weights sha256 ${m.sha256}${m.provenance ? `; ${m.provenance}` : ''}`,
    );
  doc.moveDown(0.3).font('bold').text('Thresholds and sampling settings').font('body');
  if (d.settings.length === 0) para('(none recorded)');
  for (const [k, v] of d.settings) line(k, v);

  heading('Timeline');
  if (d.timeline.length === 0) para('No sightings.');
  for (const e of d.timeline) {
    doc
      .moveDown(0.5)
      .font('bold')
      .fontSize(11)
      .text(t(`#${e.n} ${name(e.camera)} — ${e.kind}${e.text ? ` "${e.text}"` : ''}`));
    doc.font('body').fontSize(9);
    line('Camera', `${name(e.camera)}${e.cameraPlace ? `, at ${e.cameraPlace}` : ''}`);
    line('Time', timeRange(e));
    if (e.boundary) line('Boundary', boundaryWords(e.boundary));
    line(
      'Score',
      e.threshold === null
        ? `${e.score.toFixed(3)} (threshold not recorded)`
        : `${e.score.toFixed(3)} (threshold ${e.threshold.toFixed(3)}: ${e.score >= e.threshold ? 'at or above' : 'below'})`,
    );
    if (e.strength) line('Strength', e.strength);
    if (e.vehicle) line('Vehicle', e.vehicle);
    if (e.pattern) line('Pattern / person', e.pattern);
    const at = evidenceTime(e);
    line(
      'Evidence frame',
      `offset ${e.evidenceOffset.toFixed(3)} s${e.evidencePts !== null ? `, pts ${e.evidencePts.toFixed(6)} s` : ''}${at ? `, ${at}` : ''}; box [${e.box.join(', ')}]`,
    );
    line('Source', `${e.sourcePath} (${statusLabel(e.sourceStatus)})`);
    if (e.sourceStatus !== 'intact') {
      doc.fillColor('#b00000');
      para(
        `The source file ${e.sourceStatus === 'missing' ? 'is missing' : 'has changed since it was indexed'}: treat this sighting's frames with caution.`,
      );
      doc.fillColor('black');
    }
    const img = d.images.get(e.n);
    if (img && e.files) {
      await image(img.annotated, width, 300);
      await image(img.crop, 200, 160);
      para(
        `Evidence files: ${e.files.clean}, ${e.files.annotated}, ${e.files.crop} (SHA-256 in manifest.json).`,
      );
    } else {
      para(`No evidence frame: ${e.frameError ?? 'not extracted'}`);
    }
  }

  heading('Sources');
  for (const s of d.sources) {
    doc.font('bold').text(t(s.path)).font('body');
    line('Camera', s.cameras.join(', '));
    line('Size at index / now', `${s.sizeAtIndex ?? '?'} / ${s.sizeAtExport ?? '—'} bytes`);
    line('SHA-256 at index', s.sha256AtIndex);
    line('SHA-256 now', s.sha256AtExport ?? '—');
    line('Status', statusLabel(s.status));
    doc.moveDown(0.3);
  }

  heading('LIMITATIONS');
  for (const l of LIMITATIONS) para(l);
  doc.font('bold').text('Measured error rates').font('body');
  para(d.accuracy ?? NOT_MEASURED);

  doc.end();
  await done;
  return Buffer.concat(chunks);
}
