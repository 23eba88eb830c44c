/**
 * Escaping for every place an untrusted string (file names, camera ids, case ids, examiner
 * names, plate readings) ends up: HTML, CSV opened in a spreadsheet, a terminal, a PDF, a file name.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values in HTML (and Pango markup, which uses the same entities). */
export function escapeHtml(value: unknown): string {
  return plainText(String(value ?? ''), true).replace(/[&<>"']/g, (c) => HTML[c] as string);
}

// ANSI/VT escape sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and 2-byte ESC x.
const ANSI =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// C0 (but tab and newline), DEL, C1, and bidi overrides/isolates that can reorder what is shown.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to print to a terminal or into a PDF: escape sequences removed, other control and
 * bidi-override characters shown as U+FFFD so their presence is visible, not acted upon.
 * Keeps newlines and tabs only when `multiline`.
 */
export function plainText(value: string, multiline = false): string {
  let out = value.replace(ANSI, '\uFFFD').replace(CONTROL, '\uFFFD');
  if (!multiline) out = out.replace(/[\t\n]/g, ' ');
  return out;
}

/**
 * One CSV cell (RFC 4180). Strings that a spreadsheet would run as a formula (leading = + - @,
 * tab or CR) get a leading apostrophe and are quoted. Numbers are written as numbers.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // Control and escape characters never reach the file: `cat timeline.csv` must not drive a terminal.
  let s = plainText(value, true);
  let quote = false;
  if (/^[=+\-@\t\r]/.test(s)) {
    s = `'${s}`;
    quote = true;
  }
  if (quote || /[",\r\n]/.test(s)) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function csvRow(cells: Array<string | number | boolean | null | undefined>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A piece of a file name: letters, digits, dot, dash, underscore; never empty, never "." or "..". */
export function safeFileComponent(value: string, max = 40): string {
  const s = value
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[.]+/, '_')
    .slice(0, max);
  return s.length === 0 ? '_' : s;
}
