import { escapeHtml as h } from '../core/escape.js';
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

const CSS = `
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2em auto;max-width:1100px;color:#111;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:1px solid #999;margin-top:2em}
table{border-collapse:collapse;width:100%;font-size:.9em}td,th{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
code{font-family:"DejaVu Sans Mono",monospace;font-size:.85em;word-break:break-all}
.altered{color:#b00;font-weight:bold}.sighting{border:1px solid #ccc;padding:.8em;margin:1em 0;page-break-inside:avoid}
.frames img{max-width:100%;margin:.3em 0;display:block}.frames .crop{max-width:320px}
.warn{background:#fee;border:1px solid #b00;padding:.6em}pre{white-space:pre-wrap}
`;

function dataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

function kv(rows: Array<[string, string]>, codeValues = false): string {
  if (rows.length === 0) return '<p>(none recorded)</p>';
  return `<table>${rows
    .map(([k, v]) => `<tr><th>${h(k)}</th><td>${codeValues ? `<code>${h(v)}</code>` : h(v)}</td></tr>`)
    .join('')}</table>`;
}

/**
 * report.html: one self-contained file (images as data: URIs, no scripts, no external
 * resources; a CSP forbids them even if some escaping were ever missed).
 */
export function renderHtml(d: ReportData): string {
  const title = `Sightline evidence report${d.caseId ? ` — case ${d.caseId}` : ''}`;
  const parts: string[] = [];
  parts.push(
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    `<title>${h(title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${h(title)}</h1>`,
    kv([
      ['Case', d.caseId ?? '(not given)'],
      ['Examiner', d.examiner ?? '(not given)'],
      ['Export date', d.createdAt],
      ['Tool version', `sightline ${d.toolVersion}`],
      ['Git commit', d.gitCommit ?? '(unknown)'],
      [
        'Results file',
        d.resultsFile ? `${d.resultsFile.path} (sha256 ${d.resultsFile.sha256})` : '(given in memory)',
      ],
      ['Sightings', String(d.timeline.length)],
    ]),
  );
  if (d.problems.length > 0) {
    parts.push(
      `<div class="warn"><strong>Problems found during export:</strong><ul>${d.problems.map((p) => `<li>${h(p)}</li>`).join('')}</ul></div>`,
    );
  }
  parts.push(`<h2>Query</h2>`, kv(queryLines(d.query), true));
  const registered = new Map(d.cameras.map((c) => [c.id, c.camera]));
  const name = (id: string): string => cameraLabel(id, registered.get(id));
  parts.push(`<h2>Cameras</h2>`, kv(d.cameras.flatMap(cameraFacts)));
  if (d.trail) {
    parts.push(`<h2>Trail</h2>`, `<p>${h(TRAIL_NOTE)}</p>`);
    if (d.trail.map && d.trail.mapFile)
      parts.push(
        `<div class="frames"><img alt="map of the trail" src="${dataUri(d.trail.map)}"><p>Map file: <code>${h(d.trail.mapFile)}</code> (SHA-256 in manifest.json).</p></div>`,
      );
    parts.push(
      d.trail.legs.length === 0
        ? '<p>No legs: every sighting is at one camera.</p>'
        : `<table><tr><th>Leg</th><th>From</th><th>To</th><th>Left → arrived</th><th>Distance</th><th>Time</th><th>Speed</th><th></th></tr>${d.trail.legs
            .map(
              (l, i) =>
                `<tr>${legWords(l, i, name)
                  .map((c) => `<td>${h(c)}</td>`)
                  .join('')}</tr>`,
            )
            .join('')}</table>`,
    );
  }
  parts.push(
    `<h2>Method</h2><h3>Models</h3>`,
    d.models.length === 0
      ? '<p>(none recorded)</p>'
      : `<table><tr><th>Model</th><th>Package / file</th><th>Weights SHA-256</th><th>Licence, provenance</th></tr>${d.models
          .map(
            (m) =>
              `<tr><td>${h(m.id)}</td><td>${h(`${m.package}/${m.file}`)}</td><td><code>${h(m.sha256)}</code></td><td>${h(m.provenance ?? '')}</td></tr>`,
          )
          .join('')}</table>`,
    `<h3>Thresholds and sampling settings</h3>`,
    kv(d.settings, true),
  );
  parts.push(`<h2>Timeline</h2>`);
  if (d.timeline.length === 0) parts.push('<p>No sightings.</p>');
  for (const e of d.timeline) {
    const img = d.images.get(e.n);
    const at = evidenceTime(e);
    const score =
      e.threshold === null
        ? `${e.score.toFixed(3)} (threshold not recorded)`
        : `${e.score.toFixed(3)} (threshold ${e.threshold.toFixed(3)}: ${e.score >= e.threshold ? 'at or above' : 'below'})`;
    parts.push(
      `<div class="sighting" id="s${e.n}"><h3>#${e.n} ${h(name(e.camera))} — ${h(e.kind)}${e.text ? ` “${h(e.text)}”` : ''}</h3>`,
      kv([
        ['Camera', `${name(e.camera)}${e.cameraPlace ? `, at ${e.cameraPlace}` : ''}`],
        ['Time', timeRange(e)],
        ...(e.boundary ? ([['Boundary', boundaryWords(e.boundary)]] as Array<[string, string]>) : []),
        ['Score', score],
        ...(e.strength ? ([['Strength', e.strength]] as Array<[string, string]>) : []),
        ...(e.vehicle ? ([['Vehicle', e.vehicle]] as Array<[string, string]>) : []),
        ...(e.pattern ? ([['Pattern / person', e.pattern]] as Array<[string, string]>) : []),
        ...(e.text ? ([['Reading', e.text]] as Array<[string, string]>) : []),
        [
          'Evidence frame',
          `offset ${e.evidenceOffset.toFixed(3)} s${e.evidencePts !== null ? `, pts ${e.evidencePts.toFixed(6)} s` : ''}${at ? `, ${at}` : ''}; box [${e.box.join(', ')}]`,
        ],
        ['Source', `${e.sourcePath} (${statusLabel(e.sourceStatus)})`],
      ]),
    );
    if (e.sourceStatus !== 'intact') {
      parts.push(
        `<p class="altered">The source file ${e.sourceStatus === 'missing' ? 'is missing' : 'has changed since it was indexed'}: treat this sighting's frames with caution.</p>`,
      );
    }
    if (img && e.files) {
      parts.push(
        `<div class="frames"><img alt="annotated frame #${e.n}" src="${dataUri(img.annotated)}">`,
        `<img class="crop" alt="crop #${e.n}" src="${dataUri(img.crop)}">`,
        `<p>Evidence files (lossless, full size): <code>${h(e.files.clean)}</code>, <code>${h(e.files.annotated)}</code>, <code>${h(e.files.crop)}</code>; their SHA-256 are in manifest.json.</p></div>`,
      );
    } else {
      parts.push(`<p class="altered">No evidence frame: ${h(e.frameError ?? 'not extracted')}</p>`);
    }
    parts.push(`</div>`);
  }
  parts.push(
    `<h2>Sources</h2><table><tr><th>Path</th><th>Camera</th><th>Size (index / now)</th><th>SHA-256 at index</th><th>SHA-256 now</th><th>Status</th></tr>`,
    ...d.sources.map(
      (s) =>
        `<tr><td>${h(s.path)}</td><td>${h(s.cameras.join(', '))}</td><td>${h(String(s.sizeAtIndex ?? '?'))} / ${h(String(s.sizeAtExport ?? '—'))}</td>` +
        `<td><code>${h(s.sha256AtIndex)}</code></td><td><code>${h(s.sha256AtExport ?? '—')}</code></td>` +
        `<td class="${s.status === 'intact' ? '' : 'altered'}">${h(statusLabel(s.status))}</td></tr>`,
    ),
    `</table>`,
  );
  parts.push(
    `<h2>Limitations</h2>`,
    ...LIMITATIONS.map((l) => `<p>${h(l)}</p>`),
    `<h3>Measured error rates</h3>`,
    d.accuracy === null ? `<p>${h(NOT_MEASURED)}</p>` : `<pre>${h(d.accuracy)}</pre>`,
    `</body></html>\n`,
  );
  return parts.join('\n');
}
