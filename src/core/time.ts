/** Time bases: where a source's wall-clock start comes from, and offsets → wall clock. Pure. */

export interface ParsedStamp {
  /** ISO 8601, UTC. */
  iso: string;
  /** The part of the name it was read from. */
  match: string;
}

// Date and time with optional separators, as NVRs write them: 20230801110000, 2023-08-01_11-00-00,
// 2023-08-01T11:00:00, 2023.08.01 11.00.00, 20230801_110000. Only plausible values are accepted.
const STAMP =
  /(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])[T _-]?([01]\d|2[0-3])[-_.:h]?([0-5]\d)[-_.:m]?([0-5]\d)(?:[.,](\d{1,3}))?(?!\d)/;

/**
 * A wall-clock date-time from its fields (year, month 1-12, day, hour, minute, second, fraction
 * digits) as if it were UTC, or null for a rolled-over date (31 February) or an impossible time.
 */
function wallMs(fields: ReadonlyArray<string | undefined>): number | null {
  const [y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = fields;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const t = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(ms.padEnd(3, '0')),
  );
  return Number.isFinite(t) && new Date(t).getUTCDate() === Number(d) ? t : null;
}

/**
 * The wall-clock fields (two digits, year four) of the instant `utcMs` in `timeZone`, and with
 * `offsetName` the zone's offset as "GMT+5".
 */
export function zonedParts(utcMs: number, timeZone: string, offsetName = false): Record<string, string> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    ...(offsetName ? { timeZoneName: 'shortOffset' as const } : {}),
  }).formatToParts(new Date(utcMs));
  return Object.fromEntries(parts.map((p) => [p.type, p.value]));
}

/** Milliseconds `timeZone` is ahead of UTC at the instant `utcMs`. */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = zonedParts(utcMs, timeZone);
  const get = (t: string): number => Number(parts[t] ?? 0);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock time read in `timeZone` (given as if it were UTC). A time that
 * occurs twice (clocks going back) is its first occurrence; one skipped by clocks going forward is
 * read with the offset before the change, i.e. as far after the gap as it was into it.
 */
export function zonedToUtc(localAsUtcMs: number, timeZone: string): number {
  const before = zoneOffsetMs(localAsUtcMs - 43_200_000, timeZone);
  const after = zoneOffsetMs(localAsUtcMs + 43_200_000, timeZone);
  const fits = (off: number): boolean => zoneOffsetMs(localAsUtcMs - off, timeZone) === off;
  const candidates = [before, after].filter(fits).map((off) => localAsUtcMs - off);
  return candidates.length > 0 ? Math.min(...candidates) : localAsUtcMs - before;
}

/**
 * Reads a date-time from a file name. Names carry no zone: the time is read in `timeZone` (the
 * camera's, from the register) when given, else as UTC; the investigator can override the whole
 * base with --start.
 */
export function parseFileNameTime(name: string, timeZone?: string): ParsedStamp | null {
  const m = STAMP.exec(name);
  if (!m) return null;
  const [match, y, mo, d, h, mi, s, ms] = m as unknown as string[];
  const localMs = wallMs([y, mo, d, h, mi, s, ms]);
  if (localMs === null) return null;
  const utc = timeZone ? zonedToUtc(localMs, timeZone) : localMs;
  return { iso: new Date(utc).toISOString(), match: match ?? '' };
}

/**
 * Container creation times are often junk: zero (1970), or the moment a file was exported rather
 * than recorded. Only a plausible instant is trusted.
 */
export function parseMetadataTime(value: string | null | undefined, now = Date.now()): string | null {
  if (!value) return null;
  const t = Date.parse(value);
  if (!Number.isFinite(t)) return null;
  if (t < Date.UTC(1995, 0, 1) || t > now + 86_400_000) return null;
  return new Date(t).toISOString();
}

/** Parses an --start value; accepts ISO 8601 with or without zone (no zone = UTC). */
export function parseStartOption(value: string, timeZone?: string): string | null {
  const t = parseWindowTime(value);
  return t ? new Date(windowInstant(t, timeZone)).toISOString() : null;
}

/** Wall-clock instant of an offset (s from the first frame), or null when the start is unknown. */
export function wallClock(startIso: string | null, offset: number): string | null {
  if (!startIso) return null;
  const t = Date.parse(startIso);
  if (!Number.isFinite(t)) return null;
  return new Date(t + Math.round(offset * 1000)).toISOString();
}

/** Camera id from a file name when no folder names it: the name without extension and time stamp. */
export function cameraFromFileName(fileName: string): string {
  const stem = fileName.replace(/\.[^.]+$/, '');
  const stamp = parseFileNameTime(stem);
  const rest = (stamp ? stem.replace(stamp.match, '') : stem).replace(/^[-_. ]+|[-_. ]+$/g, '');
  return sanitizeCamera(rest || stem);
}

/** Camera ids are shown in reports and used in filters: printable, no path separators, bounded. */
export function sanitizeCamera(id: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = id.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim();
  return clean.slice(0, 128) || 'camera';
}

/** A --from/--to time: an instant (the value had a zone) or a wall-clock time to read per camera. */
export type WindowTime = { kind: 'utc'; ms: number } | { kind: 'local'; ms: number };

const WINDOW_TIME =
  /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,3}))?)?)?\s*(Z|[+-]\d\d:?\d\d)?$/i;

/**
 * Parses a --from/--to value: ISO 8601, "2026-03-01 14:05" or "2026-03-01T14:05:00+05:00"; a
 * date alone is its midnight. With a zone it is an instant; without, a wall-clock time that each
 * camera's own zone places (`local`, given as if it were UTC). Null when it is not such a time.
 */
export function parseWindowTime(value: string): WindowTime | null {
  const m = WINDOW_TIME.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0', zone] = m as unknown as string[];
  const local = wallMs([y, mo, d, h, mi, s, ms]);
  if (local === null) return null;
  if (!zone) return { kind: 'local', ms: local };
  if (zone.toUpperCase() === 'Z') return { kind: 'utc', ms: local };
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.replace(/[^0-9]/g, '');
  const off = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  return { kind: 'utc', ms: local - sign * off };
}

/** The UTC instant of a window time for a camera in `timeZone` (UTC when the camera has none). */
export function windowInstant(t: WindowTime, timeZone?: string): number {
  if (t.kind === 'utc') return t.ms;
  return timeZone ? zonedToUtc(t.ms, timeZone) : t.ms;
}
