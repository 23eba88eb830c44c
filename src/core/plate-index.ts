/**
 * An index over distinct plate texts for pattern search at city scale. Pure: no I/O.
 *
 * A store holds millions of readings but far fewer distinct texts, and a pattern can only match a
 * text that keeps enough of the pattern's character pairs (bigrams). For each pattern the index
 * counts, per text, how many of the pattern's bigrams the text holds, each read as itself or as a
 * look-alike (the confusable pairs of core/plate.ts), and runs the weighted edit distance
 * ({@link matchNormalised}) only on texts that reach the bound below. The bound is lossless: every
 * text {@link matchPlate} accepts passes it, so the matches equal a scan of every text.
 *
 * The bound (the q-gram lemma for approximate substring matching, q = 2): a match of cost C uses
 * at most floor(C) operations of cost 1 (a confusable substitution costs 0.2 and keeps the bigram
 * among the look-alike variants counted); each such operation (a wrong, missing or extra
 * character, or two neighbours swapped) breaks at most 3 of the pattern's bigrams. A pattern with G
 * bigrams inside its literal runs (between '?' and '*') therefore keeps at least G - 3 * floor(budget)
 * of them in any text it matches; where that is 0 or less every text is checked.
 */
import {
  CONFUSABLE_GROUPS,
  matchBudget,
  matchNormalised,
  normalisePattern,
  type PlateMatch,
} from './plate.js';

const SYMBOLS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const CODE = new Map([...SYMBOLS].map((c, i) => [c, i]));
const S = SYMBOLS.length;

/** Each symbol and the symbols it may be read as (itself first). */
const VARIANTS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, Set<string>>();
  for (const c of SYMBOLS) m.set(c, new Set([c]));
  for (const g of CONFUSABLE_GROUPS) for (const a of g) for (const b of g) m.get(a)?.add(b);
  return new Map([...m].map(([c, set]) => [c, [...set]]));
})();

function bigramCode(a: string, b: string): number {
  const x = CODE.get(a);
  const y = CODE.get(b);
  return x === undefined || y === undefined ? -1 : x * S + y;
}

export interface TextMatch {
  /** Index of the text in the list the index was built from. */
  text: number;
  match: PlateMatch;
}

export interface PlateTextIndexStats {
  texts: number;
  /** Texts the bound let through to the edit distance, summed over the patterns asked. */
  checked: number;
}

/**
 * Strings kept as one string and where each ends (what a saved index decodes without making a
 * million small strings up front).
 */
export class TextList {
  private constructor(
    readonly joined: string,
    /** ends[i]: where string i ends in `joined` (string i starts where i - 1 ends). */
    readonly ends: Int32Array,
  ) {}

  static of(list: readonly string[]): TextList {
    const ends = new Int32Array(list.length);
    let at = 0;
    for (let i = 0; i < list.length; i++) ends[i] = at += (list[i] as string).length;
    return new TextList(list.join(''), ends);
  }

  static fromParts(joined: string, ends: Int32Array): TextList {
    if (ends.length > 0 && ends[ends.length - 1] !== joined.length) {
      throw new Error('text list: ends do not match the text');
    }
    return new TextList(joined, ends);
  }

  get length(): number {
    return this.ends.length;
  }

  get(i: number): string {
    return this.joined.substring(i > 0 ? (this.ends[i - 1] as number) : 0, this.ends[i] as number);
  }
}

export class PlateTextIndex {
  readonly texts: TextList;
  /** CSR postings: texts holding bigram g are postings[start[g] .. start[g + 1]). */
  private readonly start: Int32Array;
  private readonly postings: Int32Array;
  private readonly count: Int32Array;
  private readonly stamp: Int32Array;
  private readonly touched: Int32Array;
  private stampNow = 0;
  readonly stats: PlateTextIndexStats;

  /** `texts`: distinct normalised plate texts (A-Z, 0-9). */
  constructor(texts: readonly string[] | TextList, parts?: { start: Int32Array; postings: Int32Array }) {
    this.texts = texts instanceof TextList ? texts : TextList.of(texts);
    const n = this.texts.length;
    if (parts) {
      if (parts.start.length !== S * S + 1 || parts.start[S * S] !== parts.postings.length) {
        throw new Error('plate index: postings do not match');
      }
      this.start = parts.start;
      this.postings = parts.postings;
    } else [this.start, this.postings] = PlateTextIndex.build(this.texts);
    this.count = new Int32Array(n);
    this.stamp = new Int32Array(n).fill(-1);
    this.touched = new Int32Array(n);
    this.stats = { texts: n, checked: 0 };
  }

  /** An index from the postings {@link postingsParts} gave (a saved index), not rebuilt. */
  static fromParts(texts: TextList, start: Int32Array, postings: Int32Array): PlateTextIndex {
    return new PlateTextIndex(texts, { start, postings });
  }

  postingsParts(): { start: Int32Array; postings: Int32Array } {
    return { start: this.start, postings: this.postings };
  }

  private static build(texts: TextList): [Int32Array, Int32Array] {
    const n = texts.length;
    const grams = S * S;
    const perText: Int32Array[] = [];
    const sizes = new Int32Array(grams + 1);
    for (let i = 0; i < n; i++) {
      const t = texts.get(i);
      const seen = new Set<number>();
      for (let k = 0; k + 1 < t.length; k++) {
        const g = bigramCode(t[k] as string, t[k + 1] as string);
        if (g >= 0) seen.add(g);
      }
      const arr = Int32Array.from(seen);
      perText.push(arr);
      for (const g of arr) sizes[g + 1] = (sizes[g + 1] as number) + 1;
    }
    const start = new Int32Array(grams + 1);
    for (let g = 0; g < grams; g++) start[g + 1] = (start[g] as number) + (sizes[g + 1] as number);
    const postings = new Int32Array(start[grams] as number);
    const fill = start.slice(0, grams);
    for (let i = 0; i < n; i++) {
      for (const g of perText[i] as Int32Array) {
        postings[fill[g] as number] = i;
        fill[g] = (fill[g] as number) + 1;
      }
    }
    return [start, postings];
  }

  /**
   * Every text `pattern` matches (as {@link matchPlate} with the same options), in text order.
   */
  match(pattern: string, opts: { exact?: boolean } = {}): TextMatch[] {
    const p = normalisePattern(pattern);
    const exact = opts.exact ?? false;
    const budget = matchBudget(p, exact);
    const grams = patternBigrams(p);
    const need = grams.length - 3 * Math.floor(budget + 1e-9);
    const out: TextMatch[] = [];
    const check = (i: number): void => {
      this.stats.checked++;
      const m = matchNormalised(p, this.texts.get(i), exact, budget);
      if (m) out.push({ text: i, match: m });
    };
    if (need <= 0) {
      for (let i = 0; i < this.texts.length; i++) check(i);
      return out;
    }
    // count, per text, the pattern bigrams it holds (as themselves or as look-alikes)
    const { start, postings, count, stamp } = this;
    const touched = this.touched;
    let nTouched = 0;
    const base = this.stampNow;
    for (const [a, b] of grams) {
      const now = this.stampNow++;
      const va = exact ? [a] : (VARIANTS.get(a) ?? [a]);
      const vb = exact ? [b] : (VARIANTS.get(b) ?? [b]);
      for (const x of va) {
        for (const y of vb) {
          const g = bigramCode(x, y);
          if (g < 0) continue;
          const end = start[g + 1] as number;
          for (let k = start[g] as number; k < end; k++) {
            const i = postings[k] as number;
            const st = stamp[i] as number;
            if (st === now) continue;
            if (st < base) {
              count[i] = 1;
              touched[nTouched++] = i;
            } else count[i] = (count[i] as number) + 1;
            stamp[i] = now;
          }
        }
      }
    }
    const pass: number[] = [];
    for (let k = 0; k < nTouched; k++) {
      const i = touched[k] as number;
      if ((count[i] as number) >= need) pass.push(i);
    }
    pass.sort((x, y) => x - y);
    for (const i of pass) check(i);
    return out;
  }
}

/** The bigrams inside the literal runs of a normalised pattern (runs split at '?' and '*'). */
export function patternBigrams(p: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let k = 0; k + 1 < p.length; k++) {
    const a = p[k] as string;
    const b = p[k + 1] as string;
    if (a === '?' || a === '*' || b === '?' || b === '*') continue;
    out.push([a, b]);
  }
  return out;
}
