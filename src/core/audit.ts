/**
 * Hash-chained audit log, pure maths. Each entry commits to the one before it, so editing,
 * removing or reordering any past entry breaks every hash after it. The hash function is
 * injected: core does no I/O and imports nothing (infra passes node:crypto's SHA-256).
 */

export interface AuditEntry {
  seq: number;
  /** ISO 8601, UTC. */
  time: string;
  action: string;
  details: Record<string, unknown>;
  /** Hash of the previous entry; GENESIS for the first. */
  prev: string;
  /** SHA-256 (hex) of the canonical JSON of this entry without `hash`. */
  hash: string;
}

export type Sha256Hex = (text: string) => string;

export const GENESIS = '0'.repeat(64);

/**
 * JSON with object keys sorted at every level and no whitespace: the same value always gives
 * the same bytes, whatever order its keys were built in. Non-finite numbers are refused,
 * because JSON.stringify would silently turn them into null.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value}`);
  }
}

export function entryHash(entry: Omit<AuditEntry, 'hash'>, sha256: Sha256Hex): string {
  const { seq, time, action, details, prev } = entry;
  return sha256(canonicalJson({ seq, time, action, details, prev }));
}

/** The entry that follows `last` (or starts a chain when `last` is undefined). */
export function nextEntry(
  last: AuditEntry | undefined,
  action: string,
  details: Record<string, unknown>,
  time: string,
  sha256: Sha256Hex,
): AuditEntry {
  const body = { seq: last ? last.seq + 1 : 0, time, action, details, prev: last ? last.hash : GENESIS };
  return { ...body, hash: entryHash(body, sha256) };
}

export interface ChainBreak {
  /** seq of the first bad entry (its position when its own seq is wrong). */
  seq: number;
  reason: string;
}

/** Checks a whole chain from its first entry. null when intact; else the first break. */
export function verifyChain(entries: readonly AuditEntry[], sha256: Sha256Hex): ChainBreak | null {
  let prev = GENESIS;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as AuditEntry;
    if (e.seq !== i) return { seq: i, reason: `entry ${i} has seq ${String(e.seq)}` };
    if (e.prev !== prev) return { seq: i, reason: `entry ${i} does not follow entry ${i - 1}` };
    if (entryHash(e, sha256) !== e.hash) return { seq: i, reason: `entry ${i} was altered (hash mismatch)` };
    prev = e.hash;
  }
  return null;
}

function isEntry(v: unknown): v is AuditEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.seq === 'number' &&
    typeof e.time === 'string' &&
    typeof e.action === 'string' &&
    typeof e.details === 'object' &&
    e.details !== null &&
    !Array.isArray(e.details) &&
    typeof e.prev === 'string' &&
    typeof e.hash === 'string'
  );
}

export interface ParsedLog {
  entries: AuditEntry[];
  /**
   * Bytes after the last newline that are not a whole entry: a write torn by a crash. Such a
   * record was never committed (append fsyncs line + newline), so it is not part of the log.
   */
  tornTail: number;
  /** 1-based line number of the first line that is not an entry (not at the end), if any. */
  badLine?: number;
}

/** Parses JSONL text of a log. Never throws: a bad line is reported, not fatal. */
export function parseAuditLog(text: string): ParsedLog {
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const entries: AuditEntry[] = [];
  let tornTail = 0;
  if (last.length > 0) {
    const parsed = tryParse(last);
    if (isEntry(parsed)) entries.push(parsed);
    else tornTail = new TextEncoder().encode(last).length;
  }
  const whole: AuditEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const parsed = tryParse(line);
    if (!isEntry(parsed)) return { entries: whole, tornTail, badLine: i + 1 };
    whole.push(parsed);
  }
  return { entries: [...whole, ...entries], tornTail };
}

function tryParse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
