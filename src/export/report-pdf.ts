import sharp from 'sharp';
import { plainText } from '../core/escape.js';
import { fontFile } from './frames.js';
import type { ListItem, Run } from './markdown.js';
import { type Cell, DECLARATION, reportBlocks } from './report-model.js';
import type { ReportData } from './report-data.js';

const t = (s: string): string => plainText(s, true);

const MARGIN = 50;
/** Room under the text for the footer ("Page N of M"). */
const BOTTOM = 62;

/**
 * report.pdf: the same blocks as report.html, in the same order, DejaVu embedded so any script
 * prints; every page ends with the case, the manifest's SHA-256 and "Page N of M".
 */
export async function renderPdf(d: ReportData): Promise<Buffer> {
  // loaded here, not at start: every command pays for what loads at start
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: BOTTOM },
    bufferPages: true,
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
  doc.registerFont('mono', fontFile('mono'));
  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  const bottom = (): number => doc.page.height - BOTTOM;
  const room = (h: number): void => {
    if (doc.y + h > bottom()) doc.addPage();
  };
  const atTop = (): boolean => doc.y <= MARGIN + 1;

  const runs = (rs: readonly Run[], size: number, opts: PDFKit.Mixins.TextOptions = {}): void => {
    const list = rs.length > 0 ? rs : [{ text: '' }];
    list.forEach((r, i) => {
      doc
        .font(r.code ? 'mono' : r.bold ? 'bold' : 'body')
        .fontSize(r.code ? size - 0.5 : size)
        .text(t(r.text), { ...opts, continued: i < list.length - 1 });
    });
    doc.font('body').fontSize(size);
  };
  const image = async (png: Buffer, maxW: number, maxH: number, caption?: string): Promise<void> => {
    const meta = await sharp(png).metadata();
    const scale = Math.min(maxW / meta.width, maxH / meta.height, 1.5);
    const w = meta.width * scale;
    const h = meta.height * scale;
    room(h + (caption ? 14 : 4));
    doc.image(png, left, doc.y, { width: w, height: h });
    doc.y += h + 3;
    if (caption)
      doc
        .font('body')
        .fontSize(7)
        .fillColor('#444')
        .text(t(caption), left, doc.y, { width })
        .fillColor('black');
    doc.moveDown(0.4);
  };
  const cellText = (c: Cell): { text: string; mono: boolean } => {
    if ('image' in c) return { text: '', mono: false };
    return {
      text: c.runs.map((r) => r.text).join(''),
      mono: c.runs.length > 0 && c.runs.every((r) => r.code),
    };
  };
  const table = async (head: string[], rows: Cell[][], widths: number[]): Promise<void> => {
    const total = widths.reduce((a, b) => a + b, 0) || 1;
    const cols = widths.map((w) => (w / total) * width);
    const size = 7.5;
    const pad = 3;
    const heightOf = (cells: Array<Cell | string>, bold: boolean): number =>
      Math.max(
        ...cells.map((c, i) => {
          if (typeof c !== 'string' && 'image' in c) return c.height;
          const { text, mono } = typeof c === 'string' ? { text: c, mono: false } : cellText(c);
          doc.font(bold ? 'bold' : mono ? 'mono' : 'body').fontSize(mono ? size - 0.5 : size);
          return doc.heightOfString(t(text) || ' ', { width: (cols[i] ?? 50) - 2 * pad });
        }),
      ) +
      2 * pad;
    const drawRow = async (cells: Array<Cell | string>, bold: boolean): Promise<void> => {
      const h = heightOf(cells, bold);
      const y = doc.y;
      let x = left;
      for (const [i, c] of cells.entries()) {
        const w = cols[i] ?? 50;
        if (bold) doc.rect(x, y, w, h).fillAndStroke('#f0f0f0', '#bbbbbb').fillColor('black');
        else doc.rect(x, y, w, h).strokeColor('#bbbbbb').stroke();
        if (typeof c !== 'string' && 'image' in c) {
          const meta = await sharp(c.image).metadata();
          const s = Math.min((w - 2 * pad) / meta.width, c.height / meta.height);
          doc.image(c.image, x + pad, y + pad, { width: meta.width * s, height: meta.height * s });
        } else {
          const { text, mono } = typeof c === 'string' ? { text: c, mono: false } : cellText(c);
          doc
            .font(bold ? 'bold' : mono ? 'mono' : 'body')
            .fontSize(mono ? size - 0.5 : size)
            .fillColor('black')
            .text(t(text), x + pad, y + pad, { width: w - 2 * pad });
        }
        x += w;
      }
      doc.x = left;
      doc.y = y + h;
    };
    room(heightOf(head, true) + (rows[0] ? heightOf(rows[0], false) : 0));
    await drawRow(head, true);
    for (const r of rows) {
      if (doc.y + heightOf(r, false) > bottom()) {
        doc.addPage();
        await drawRow(head, true);
      }
      await drawRow(r, false);
    }
    doc.font('body').fontSize(9).moveDown(0.6);
  };
  // list text is written starting at the item's indent
  const listAt = (items: readonly ListItem[]): void => {
    for (const i of items) {
      const indent = 10 + i.depth * 12;
      room(14);
      const y = doc.y;
      doc
        .font('body')
        .fontSize(8.5)
        .text(i.depth > 0 ? '–' : '•', left + indent - 9, y, { lineBreak: false });
      doc.x = left + indent;
      doc.y = y;
      runs(i.runs, 8.5, { width: width - indent });
      doc.x = left;
      doc.moveDown(0.15);
    }
    doc.moveDown(0.3);
  };

  for (const b of reportBlocks(d)) {
    switch (b.kind) {
      case 'title':
        doc.font('bold').fontSize(18).text(t(b.text)).moveDown(0.3);
        break;
      case 'heading': {
        if (b.newPage && !atTop()) doc.addPage();
        else room(b.level === 2 ? 90 : 60);
        const size = b.level === 1 ? 16 : b.level === 2 ? 13 : 10.5;
        doc
          .moveDown(b.level === 2 ? 0.5 : 0.3)
          .font('bold')
          .fontSize(size)
          .text(t(b.text))
          .moveDown(0.25);
        doc.font('body').fontSize(9);
        break;
      }
      case 'kv':
        for (const [k, v] of b.rows) {
          room(12);
          doc
            .font('bold')
            .fontSize(8.5)
            .text(`${t(k)}: `, left, doc.y, { continued: true, width })
            .font('body')
            .text(t(v));
        }
        doc.moveDown(0.4);
        break;
      case 'para':
        room(24);
        if (b.tone === 'warn') doc.fillColor('#a00000');
        runs(b.runs, b.tone === 'small' ? 8.5 : 9, { width });
        doc.fillColor('black').moveDown(0.4);
        break;
      case 'list':
        listAt(b.items);
        break;
      case 'table':
        await table(b.head, b.rows, b.widths);
        break;
      case 'image':
        await image(b.png, b.narrow ? 200 : width, b.maxHeight, b.caption);
        break;
      case 'declaration': {
        room(230);
        doc.moveDown(1).font('bold').fontSize(13).text("Examiner's declaration").moveDown(0.3);
        doc.font('body').fontSize(9).text(t(DECLARATION), { width }).moveDown(0.6);
        doc.text(t(`Case: ${b.caseId ?? ''}`)).moveDown(0.8);
        for (const label of ['Name', 'Date', 'Signature']) {
          doc
            .font('body')
            .fontSize(9)
            .text(label === 'Name' && b.examiner ? `Name: ${t(b.examiner)}` : `${label}:`);
          const y = doc.y + 16;
          doc
            .moveTo(left, y)
            .lineTo(left + width * 0.6, y)
            .strokeColor('#333333')
            .stroke();
          doc.y = y + 14;
        }
        break;
      }
    }
  }

  // every page identifies itself
  const range = doc.bufferedPageRange();
  const footer = `Case ${d.caseId ?? '(not given)'} · manifest.json SHA-256 ${d.manifestSha256}`;
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - 40;
    doc
      .moveTo(left, y - 4)
      .lineTo(left + width, y - 4)
      .strokeColor('#999999')
      .stroke();
    doc.font('body').fontSize(6.5).fillColor('#333333').text(t(footer), left, y, { width, lineBreak: false });
    doc
      .font('bold')
      .fontSize(8)
      .text(`Page ${i - range.start + 1} of ${range.count}`, left, y + 10, {
        width,
        align: 'right',
        lineBreak: false,
      });
    doc.fillColor('black');
    doc.page.margins.bottom = saved;
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
