import { escapeHtml as h } from '../core/escape.js';
import type { ListItem, Run } from './markdown.js';
import { type Block, type Cell, DECLARATION, reportBlocks } from './report-model.js';
import type { ReportData } from './report-data.js';

const CSS = `
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2em auto 4em;max-width:1100px;color:#111;line-height:1.4;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #999;margin-top:2em}h3{margin-top:1.4em}
table{border-collapse:collapse;width:100%;font-size:.9em;margin:.4em 0}td,th{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top;white-space:pre-line}
th{background:#f2f2f2}code{font-family:"DejaVu Sans Mono",monospace;font-size:.85em;word-break:break-all}
table.kv th{width:22%}.warn{background:#fee;border:1px solid #b00;padding:.6em;color:#700}.small{font-size:.92em}
figure{margin:.6em 0}figure img{max-width:100%;display:block}figure.narrow img{max-width:360px}figcaption{font-size:.85em;color:#444;word-break:break-all}
td img{max-height:70px;display:block}.page-break{border-top:3px double #999;margin-top:2.5em}
.declaration{border:1px solid #333;padding:1em;margin-top:2em}.line{border-bottom:1px solid #333;height:2.2em;margin:.4em 0 1em}
footer{position:fixed;bottom:0;left:0;right:0;background:#fff;border-top:1px solid #999;font-size:.75em;padding:.3em 1em;color:#333}
@media print{footer{position:fixed}}
`;

function dataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

function runsHtml(runs: readonly Run[]): string {
  return runs
    .map((r) => {
      let t = h(r.text);
      if (r.code) t = `<code>${t}</code>`;
      if (r.bold) t = `<strong>${t}</strong>`;
      return t;
    })
    .join('');
}

function cellHtml(c: Cell): string {
  return 'image' in c ? `<img alt="${h(c.alt)}" src="${dataUri(c.image)}">` : runsHtml(c.runs);
}

function listHtml(items: readonly ListItem[]): string {
  return `<ul>${items
    .map((i) => `<li${i.depth > 0 ? ` style="margin-left:${i.depth * 1.5}em"` : ''}>${runsHtml(i.runs)}</li>`)
    .join('')}</ul>`;
}

function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'title':
      return `<h1>${h(b.text)}</h1>`;
    case 'heading':
      return `${b.newPage ? '<div class="page-break"></div>' : ''}<h${b.level}>${h(b.text)}</h${b.level}>`;
    case 'kv':
      return `<table class="kv">${b.rows.map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(v)}</td></tr>`).join('')}</table>`;
    case 'para':
      return `<p${b.tone ? ` class="${b.tone}"` : ''}>${runsHtml(b.runs)}</p>`;
    case 'list':
      return listHtml(b.items);
    case 'table':
      return `<table><tr>${b.head.map((x) => `<th>${h(x)}</th>`).join('')}</tr>${b.rows
        .map((r) => `<tr>${r.map((c) => `<td>${cellHtml(c)}</td>`).join('')}</tr>`)
        .join('')}</table>`;
    case 'image':
      return `<figure${b.narrow ? ' class="narrow"' : ''}><img alt="${h(b.alt)}" src="${dataUri(b.png)}">${
        b.caption ? `<figcaption>${h(b.caption)}</figcaption>` : ''
      }</figure>`;
    case 'declaration':
      return `<div class="declaration"><h2>Examiner's declaration</h2><p>${h(DECLARATION)}</p>
<p>Case: ${h(b.caseId ?? '')}</p><p>Name</p><div class="line">${h(b.examiner ?? '')}</div><p>Date</p><div class="line"></div><p>Signature</p><div class="line"></div></div>`;
  }
}

/**
 * report.html: one self-contained file (images as data: URIs, no scripts, no external
 * resources; a CSP forbids them even if some escaping were ever missed). The same blocks, in the
 * same order, as report.pdf.
 */
export function renderHtml(d: ReportData): string {
  const title = `Sightline evidence report${d.caseId ? ` — case ${d.caseId}` : ''}`;
  const footer = `Case ${d.caseId ?? '(not given)'} · manifest.json SHA-256 ${d.manifestSha256}`;
  return [
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    `<title>${h(title)}</title><style>${CSS}</style></head><body>`,
    ...reportBlocks(d).map(blockHtml),
    `<footer>${h(footer)}</footer>`,
    `</body></html>\n`,
  ].join('\n');
}
