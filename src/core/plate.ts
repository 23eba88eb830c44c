/**
 * Plate strings: normalisation, OCR confusables, weighted edit distance and pattern matching.
 * Pure: no I/O.
 */

/** Look-alikes that NFKC leaves alone (Cyrillic and Greek capitals that read as Latin ones). */
const LOOKALIKES: Record<string, string> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  Ø: '0',
  Ö: 'O',
  Ü: 'U',
  Ä: 'A',
};

/** Maps one character to a plate symbol (A-Z, 0-9) or '' when it is not one. */
export function plateChar(ch: string): string {
  const n = ch.normalize('NFKC').toUpperCase();
  if (n.length === 1 && /[A-Z0-9]/.test(n)) return n;
  const l = LOOKALIKES[n] ?? LOOKALIKES[ch.toUpperCase()];
  return l ?? '';
}

/**
 * Plate text as stored and compared: upper case, only A-Z and 0-9. Full-width forms
 * ("ＬＥ２１"), lower case and Cyrillic/Greek look-alikes map to their Latin capitals;
 * spaces, dashes, dots and anything else are dropped.
 */
export function normalisePlate(s: string): string {
  let out = '';
  for (const ch of s) out += plateChar(ch);
  return out;
}

/**
 * Groups of symbols OCR mistakes for one another on plates. A character may sit in more than
 * one group (G is like 6 and like C).
 */
export const CONFUSABLE_GROUPS: readonly string[] = [
  '0ODQ',
  '1IL7TJ',
  '2Z',
  '5S',
  '6G',
  '8B3',
  '4A',
  'UV',
  'EF',
  'PR',
  'KX',
  'MNH',
  'CG',
  'WV',
  'Y4',
  // measured on the OpenALPR photos and their video: Y read as V (5 times), 4 read as L (4 times)
  'YV',
  '4L',
];

const CONFUSABLE = new Set<string>();
for (const g of CONFUSABLE_GROUPS) {
  for (const a of g) for (const b of g) if (a !== b) CONFUSABLE.add(a + b);
}

/** Cost of substituting a confusable character (any other substitution, insertion or deletion costs 1). */
export const CONFUSABLE_COST = 0.2;

export function isConfusable(a: string, b: string): boolean {
  return CONFUSABLE.has(a + b);
}

/** Cost of reading `b` where `a` is printed. */
export function substitutionCost(a: string, b: string): number {
  if (a === b) return 0;
  return CONFUSABLE.has(a + b) ? CONFUSABLE_COST : 1;
}

/**
 * Cost of two neighbouring characters read in swapped order (e.g. FZB read FBZ), the same as one
 * wrong character; without it a swap costs 2 and a 7-character plate read so is not found.
 */
export const TRANSPOSITION_COST = 1;

/**
 * Levenshtein distance where confusable substitutions cost {@link CONFUSABLE_COST} and a swap
 * of two neighbours costs {@link TRANSPOSITION_COST} (optimal string alignment).
 */
export function plateDistance(a: string, b: string): number {
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a[i - 1] ?? '';
    for (let j = 1; j <= n; j++) {
      const cb = b[j - 1] ?? '';
      const sub = (prev[j - 1] ?? 0) + substitutionCost(ca, cb);
      const del = (prev[j] ?? 0) + 1;
      const ins = (cur[j - 1] ?? 0) + 1;
      let best = Math.min(sub, del, ins);
      if (i > 1 && j > 1 && ca !== cb && ca === b[j - 2] && a[i - 2] === cb) {
        best = Math.min(best, (prev2[j - 2] ?? 0) + TRANSPOSITION_COST);
      }
      cur[j] = best;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Patterns

/** Characters a pattern may hold besides A-Z, 0-9, '?' and '*': separators, ignored. */
const SEPARATORS = /[\s\-._·]/u;

/**
 * Why a pattern is unusable, as one line, or null when it is fine. Letters (any case, full-width
 * too), digits, '?' (exactly one character), '*' (any run, also empty) and separators
 * (space - . _) are allowed; at least one letter or digit is required.
 */
export function patternProblem(pattern: string): string | null {
  if (pattern.trim() === '') return 'empty plate pattern: give letters and digits, e.g. LE21ABC or LE2*';
  for (const ch of pattern) {
    if (ch === '?' || ch === '*' || SEPARATORS.test(ch)) continue;
    if (plateChar(ch) === '') {
      return `plate pattern "${pattern}" holds "${ch}": use only letters, digits, '?' (one character) and '*' (any run)`;
    }
  }
  if (!/[A-Z0-9]/.test(normalisePattern(pattern))) {
    return `plate pattern "${pattern}" has no letter or digit: it would match every plate`;
  }
  return null;
}

/** Upper case, separators dropped, runs of '*' collapsed. Does not validate. */
export function normalisePattern(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '?') out += '?';
    else if (ch === '*') {
      if (!out.endsWith('*')) out += '*';
    } else out += plateChar(ch);
  }
  return out;
}

/** Number of letters and digits in a (normalised) pattern. */
export function literalCount(pattern: string): number {
  let n = 0;
  for (const ch of pattern) if (ch !== '?' && ch !== '*') n++;
  return n;
}

/**
 * The largest cost a tolerant match may have, from the number L of letters and digits in the
 * pattern: two confusable slips always (0.4), plus one full error (a wrong, missing or extra
 * character) for every 4 letters/digits. L 1-3 → 0.4, L 4-7 → 1.4, L 8-11 → 2.4.
 * `--exact` allows 0.
 */
export function matchBudget(pattern: string, exact = false): number {
  if (exact) return 0;
  return 2 * CONFUSABLE_COST + Math.floor(literalCount(normalisePattern(pattern)) / 4);
}

export interface PlateMatch {
  /** Weighted edit cost of the best alignment (0 = exact). */
  cost: number;
  /** Span of the normalised text that matched: [start, end). */
  start: number;
  end: number;
  /** 1 for an exact match, falling towards 0 as cost grows relative to pattern length. */
  score: number;
}

export interface MatchOptions {
  /** No OCR tolerance: only exact characters (wildcards and partial matches still work). */
  exact?: boolean;
  /** Override the cost budget. */
  maxCost?: number;
}

/**
 * Finds `pattern` in `text` (a reading): '?' is one character, '*' any run, and the pattern may
 * match anywhere inside a longer reading (partial matching), so "LE2*" and "21AB" both find
 * "LE21ABC". Alignment is semi-global: text before and after the match is free. Returns the
 * cheapest alignment within budget ({@link matchBudget}), or null.
 */
export function matchPlate(pattern: string, text: string, opts: MatchOptions = {}): PlateMatch | null {
  const p = normalisePattern(pattern);
  const exact = opts.exact ?? false;
  return matchNormalised(p, normalisePlate(text), exact, opts.maxCost ?? matchBudget(p, exact));
}

interface Scratch {
  size: number;
  cost: Float64Array[];
  from: Int32Array[];
}

function newScratch(size: number): Scratch {
  return {
    size,
    cost: [0, 1, 2].map(() => new Float64Array(size)),
    from: [0, 1, 2].map(() => new Int32Array(size)),
  };
}

let scratch = newScratch(32);

const STAR = '*'.charCodeAt(0);
const QMARK = '?'.charCodeAt(0);

/** {@link substitutionCost} by character codes (ASCII): [printed * 128 + read]. */
const SUB_COST = (() => {
  const table = new Float64Array(128 * 128).fill(1);
  for (let a = 0; a < 128; a++) table[a * 128 + a] = 0;
  for (const pair of CONFUSABLE) table[pair.charCodeAt(0) * 128 + pair.charCodeAt(1)] = CONFUSABLE_COST;
  return table;
})();

/**
 * {@link matchPlate} of a pattern already normalised ({@link normalisePattern}) in a text already
 * normalised ({@link normalisePlate}), within `budget`: what an index runs on each candidate.
 */
export function matchNormalised(p: string, t: string, exact: boolean, budget: number): PlateMatch | null {
  const m = p.length;
  const n = t.length;
  if (m === 0) return null;
  const INF = Number.POSITIVE_INFINITY;
  // cost[i][j]: best alignment of p[0..i) ending at t[j); from[i][j]: where in t it starts.
  // rows reused between calls (an index checks many texts a pattern): only [0, n] is read
  if (scratch.size < n + 1) scratch = newScratch(Math.max(n + 1, 2 * scratch.size));
  let [prevCost, curCost, prev2Cost] = scratch.cost as [Float64Array, Float64Array, Float64Array];
  let [prevFrom, curFrom, prev2From] = scratch.from as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= n; j++) {
    prevCost[j] = 0;
    prevFrom[j] = j;
    // row i-2, for swapped neighbours
    prev2Cost[j] = INF;
  }
  const gap = exact ? INF : 1;
  for (let i = 1; i <= m; i++) {
    const pc = p.charCodeAt(i - 1);
    const pp = i > 1 ? p.charCodeAt(i - 2) : -1;
    // two neighbours read in swapped order: only between two literal pattern characters
    const swappable = !exact && i > 1 && pc !== QMARK && pp !== QMARK && pp !== STAR;
    const subRow = (pc & 127) * 128;
    for (let j = 0; j <= n; j++) {
      let best = INF;
      let from = j;
      if (pc === STAR) {
        // zero characters
        best = prevCost[j] as number;
        from = prevFrom[j] as number;
        // one more character into the run
        if (j > 0 && (curCost[j - 1] as number) < best) {
          best = curCost[j - 1] as number;
          from = curFrom[j - 1] as number;
        }
      } else {
        if (j > 0) {
          const tc = t.charCodeAt(j - 1);
          const sub =
            pc === QMARK ? 0 : pc === tc ? 0 : exact ? INF : (SUB_COST[subRow + (tc & 127)] as number);
          const c = (prevCost[j - 1] as number) + sub;
          if (c < best) {
            best = c;
            from = prevFrom[j - 1] as number;
          }
          if (swappable && j > 1 && pc !== tc && tc === pp && t.charCodeAt(j - 2) === pc) {
            const tr = (prev2Cost[j - 2] as number) + TRANSPOSITION_COST;
            if (tr < best) {
              best = tr;
              from = prev2From[j - 2] as number;
            }
          }
          // extra character in the reading
          const ins = (curCost[j - 1] as number) + gap;
          if (ins < best) {
            best = ins;
            from = curFrom[j - 1] as number;
          }
        }
        // pattern character missing from the reading
        const del = (prevCost[j] as number) + gap;
        if (del < best) {
          best = del;
          from = prevFrom[j] as number;
        }
      }
      curCost[j] = best;
      curFrom[j] = from;
    }
    const c2 = prev2Cost;
    prev2Cost = prevCost;
    prevCost = curCost;
    curCost = c2;
    const f2 = prev2From;
    prev2From = prevFrom;
    prevFrom = curFrom;
    curFrom = f2;
  }
  let bestJ = -1;
  let bestCost = INF;
  for (let j = 0; j <= n; j++) {
    const c = prevCost[j] ?? INF;
    // ties: the shorter span wins, then the earlier one
    const span = j - (prevFrom[j] ?? 0);
    const bestSpan = bestJ < 0 ? INF : bestJ - (prevFrom[bestJ] ?? 0);
    if (c < bestCost - 1e-9 || (Math.abs(c - bestCost) <= 1e-9 && span < bestSpan)) {
      bestCost = c;
      bestJ = j;
    }
  }
  if (bestJ < 0 || !(bestCost <= budget + 1e-9)) return null;
  const cost = Math.round(bestCost * 1000) / 1000;
  const lits = Math.max(1, literalCount(p));
  return { cost, start: prevFrom[bestJ] ?? 0, end: bestJ, score: Math.max(0, 1 - cost / lits) };
}
