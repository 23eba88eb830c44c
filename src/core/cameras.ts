/**
 * The camera register: where each camera is, its time zone, and how far its clock is off. Parsing
 * and validation of a register file (CSV `id,name,lat,lon,timezone,tags[,clock_offset]` or JSON,
 * an array of such objects or `{ "cameras": [...] }`). Pure: the caller reads the file.
 */
import { PLATE_REGIONS } from './plate-format.js';

export interface Camera {
  /** The camera id sources are indexed under (`index --camera`, or the folder name). */
  id: string;
  name: string;
  lat: number;
  lon: number;
  /** IANA time zone name, e.g. Asia/Karachi. */
  timezone: string;
  /** e.g. ['boundary']. */
  tags: string[];
  /**
   * Seconds the camera's clock runs ahead of true time (examiners measure it against a known
   * event); subtracted from its wall-clock times. 0 when not known.
   */
  clockOffset: number;
}

/** The region a tag names (`region:gb` or `region=gb`), or null when the tag is not one. */
function regionTag(tag: string): string | null {
  const m = /^region[:=](.*)$/i.exec(tag);
  return m ? (m[1] ?? '').trim().toLowerCase() : null;
}

/**
 * The plate region of a camera (its tag `region:gb`), whose formats its plates should fit; null
 * when the register names none.
 */
export function cameraRegion(camera: Pick<Camera, 'tags'>): string | null {
  for (const t of camera.tags) {
    const r = regionTag(t);
    if (r) return r;
  }
  return null;
}

/** Camera id → plate region, for the cameras whose register entry names one. */
export function plateRegions(cameras: ReadonlyMap<string, Pick<Camera, 'tags'>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, c] of cameras) {
    const r = cameraRegion(c);
    if (r) out.set(id, r);
  }
  return out;
}

/** A register problem, placed: 1-based data row (the header is row 0) and the column. */
export class RegisterError extends Error {
  constructor(
    readonly row: number,
    readonly column: string,
    readonly problem: string,
  ) {
    super(`row ${row}, column ${column}: ${problem}`);
  }
}

export const REGISTER_COLUMNS = ['id', 'name', 'lat', 'lon', 'timezone', 'tags'] as const;
const OPTIONAL_COLUMNS = ['clock_offset'] as const;

/** RFC 4180 fields of a CSV text: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

/** Whether `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function number(v: unknown, row: number, column: string, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < min || n > max)
    throw new RegisterError(row, column, `${JSON.stringify(v)} is not a number from ${min} to ${max}`);
  return n;
}

/** One register entry, checked; `row` places errors. */
export function checkCamera(raw: Record<string, unknown>, row: number): Camera {
  const id = typeof raw.id === 'string' ? raw.id.trim() : '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id))
    throw new RegisterError(
      row,
      'id',
      `${JSON.stringify(raw.id ?? '')} is not a camera id (letters, digits, . _ -)`,
    );
  const name = typeof raw.name === 'string' && raw.name.trim() ? raw.name.trim() : id;
  const lat = number(raw.lat, row, 'lat', -90, 90);
  const lon = number(raw.lon, row, 'lon', -180, 180);
  const timezone = typeof raw.timezone === 'string' ? raw.timezone.trim() : '';
  if (!isTimeZone(timezone))
    throw new RegisterError(
      row,
      'timezone',
      `${JSON.stringify(raw.timezone ?? '')} is not an IANA time zone (e.g. Asia/Karachi)`,
    );
  const tags = Array.isArray(raw.tags)
    ? raw.tags.map(String)
    : typeof raw.tags === 'string'
      ? raw.tags.split(';')
      : [];
  for (const t of tags) {
    const region = regionTag(t.trim());
    if (region !== null && !PLATE_REGIONS.includes(region))
      throw new RegisterError(
        row,
        'tags',
        `${JSON.stringify(t.trim())} names no plate region (known: ${PLATE_REGIONS.join(', ')})`,
      );
  }
  const clock = raw.clock_offset ?? raw.clockOffset;
  const clockOffset =
    clock === undefined || clock === '' ? 0 : number(clock, row, 'clock_offset', -86400, 86400);
  return {
    id,
    name,
    lat,
    lon,
    timezone,
    tags: tags.map((t) => t.trim()).filter(Boolean),
    clockOffset,
  };
}

/**
 * The cameras of a register file's text: JSON when it starts with `[` or `{`, else CSV with the
 * header `id,name,lat,lon,timezone,tags` (and optionally `clock_offset`). Throws RegisterError
 * naming the first bad row and column; an id given twice is an error at its second row.
 */
export function parseRegister(text: string): Camera[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  let entries: Array<Record<string, unknown>>;
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (e) {
      throw new RegisterError(0, '-', `not valid JSON (${(e as Error).message})`);
    }
    const list = Array.isArray(doc) ? doc : (doc as { cameras?: unknown }).cameras;
    if (!Array.isArray(list))
      throw new RegisterError(0, '-', 'JSON must be an array of cameras or { "cameras": [...] }');
    entries = list.map((e, i) => {
      if (!e || typeof e !== 'object' || Array.isArray(e))
        throw new RegisterError(i + 1, '-', 'not an object');
      return e as Record<string, unknown>;
    });
  } else {
    const rows = parseCsv(trimmed);
    const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
    for (const c of REGISTER_COLUMNS)
      if (!header.includes(c))
        throw new RegisterError(0, c, `missing from the header (want ${REGISTER_COLUMNS.join(',')})`);
    const unknown = header.find(
      (h) =>
        !(REGISTER_COLUMNS as readonly string[]).includes(h) &&
        !(OPTIONAL_COLUMNS as readonly string[]).includes(h),
    );
    if (unknown !== undefined) throw new RegisterError(0, unknown, 'not a register column');
    entries = rows.slice(1).map((r, i) => {
      if (r.length !== header.length)
        throw new RegisterError(i + 1, '-', `${r.length} fields, the header has ${header.length}`);
      return Object.fromEntries(header.map((h, j) => [h, r[j] ?? '']));
    });
  }
  const seen = new Set<string>();
  return entries.map((e, i) => {
    const cam = checkCamera(e, i + 1);
    if (seen.has(cam.id)) throw new RegisterError(i + 1, 'id', `${cam.id} is given twice`);
    seen.add(cam.id);
    return cam;
  });
}
