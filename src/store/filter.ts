/**
 * --from / --to / --camera as predicates of the store's own queries, so a narrow window reads a
 * narrow slice. A wall-clock time without a zone is read in each camera's zone (the register's;
 * UTC for a camera it does not list), so the window differs per camera.
 */
import { windowInstant, type WindowTime } from '../core/time.js';

export interface SightingFilter {
  from?: WindowTime;
  to?: WindowTime;
  /** Only these camera ids. */
  cameras?: readonly string[];
  /** Only rows of these sources (SourceRow.id): a sweep of what was just indexed. */
  sources?: readonly string[];
}

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function hasFilter(f: SightingFilter | undefined): f is SightingFilter {
  return (
    !!f && (f.from !== undefined || f.to !== undefined || f.cameras !== undefined || f.sources !== undefined)
  );
}

/**
 * The SQL predicate of a filter over rows with a camera column and a time span (`start`, `end`:
 * ISO 8601 UTC columns; the same column for single detections): the span overlaps the window.
 * Rows without a time never match a window. `zones`: camera id → IANA zone (the register);
 * `known`: the store's camera ids (to spell out per-camera windows).
 */
export function filterPredicate(
  f: SightingFilter,
  zones: ReadonlyMap<string, string>,
  known: readonly string[],
  cols: { start: string; end: string },
): string | null {
  const inTime = timePredicate(f, zones, known, cols);
  if (!f.sources) return inTime;
  const bySource = `source_id IN (${f.sources.map(sqlString).join(', ') || "''"})`;
  return inTime ? `${bySource} AND (${inTime})` : bySource;
}

function timePredicate(
  f: SightingFilter,
  zones: ReadonlyMap<string, string>,
  known: readonly string[],
  cols: { start: string; end: string },
): string | null {
  const span = (from?: number, to?: number): string[] => [
    ...(from !== undefined ? [`${cols.end} >= ${sqlString(new Date(from).toISOString())}`] : []),
    ...(to !== undefined ? [`${cols.start} <= ${sqlString(new Date(to).toISOString())}`] : []),
  ];
  const cameras = f.cameras ?? known;
  const local = f.from?.kind === 'local' || f.to?.kind === 'local';
  if (!local) {
    const parts = [
      ...(f.cameras ? [`camera IN (${f.cameras.map(sqlString).join(', ') || "''"})`] : []),
      ...span(f.from && windowInstant(f.from), f.to && windowInstant(f.to)),
    ];
    return parts.length > 0 ? parts.join(' AND ') : null;
  }
  if (cameras.length === 0) return 'FALSE';
  return cameras
    .map((c) => {
      const tz = zones.get(c);
      const parts = [
        `camera = ${sqlString(c)}`,
        ...span(f.from && windowInstant(f.from, tz), f.to && windowInstant(f.to, tz)),
      ];
      return `(${parts.join(' AND ')})`;
    })
    .join(' OR ');
}
