/**
 * Greedy CTC decoding of a recogniser's per-timestep class probabilities. Pure maths.
 *
 * Layout: `probs[t * classes + c]` is the probability of class `c` at timestep `t` (a softmax
 * output, row-major [steps, classes]). `labels[c]` is the text of class `c`; the blank class has
 * label ''.
 */

export interface CtcAlternative {
  char: string;
  p: number;
}

export interface CtcChar {
  /** Label of the emitted class. */
  char: string;
  /** Class index. */
  cls: number;
  /** Highest probability of this class over the run of timesteps that emitted it. */
  p: number;
  /** Timestep where that peak was. */
  t: number;
  /** Runner-up non-blank classes at that timestep, most probable first. */
  alternatives: CtcAlternative[];
}

export interface CtcResult {
  text: string;
  chars: CtcChar[];
}

export interface CtcOptions {
  /** Index of the blank class (PaddleOCR: 0). */
  blank?: number;
  /** How many runner-up classes to keep per character. */
  topK?: number;
}

function topAlternatives(
  probs: ArrayLike<number>,
  row: number,
  classes: number,
  exclude: number,
  blank: number,
  labels: readonly string[],
  k: number,
): CtcAlternative[] {
  if (k <= 0) return [];
  const best: Array<{ c: number; p: number }> = [];
  for (let c = 0; c < classes; c++) {
    if (c === exclude || c === blank) continue;
    const p = probs[row + c] ?? 0;
    if (best.length < k) {
      best.push({ c, p });
      best.sort((a, b) => b.p - a.p);
    } else if (p > (best[k - 1]?.p ?? Infinity)) {
      best[k - 1] = { c, p };
      best.sort((a, b) => b.p - a.p);
    }
  }
  return best.filter((b) => b.p > 0).map((b) => ({ char: labels[b.c] ?? '', p: b.p }));
}

/**
 * Best-path decoding: argmax per timestep, merge repeats, drop blanks. A class repeated across
 * a blank is two characters ("a-a" → "aa"); a class repeated without one is one ("aa" → "a").
 */
export function ctcGreedyDecode(
  probs: ArrayLike<number>,
  steps: number,
  classes: number,
  labels: readonly string[],
  opts: CtcOptions = {},
): CtcResult {
  const blank = opts.blank ?? 0;
  const topK = opts.topK ?? 3;
  if (probs.length < steps * classes) {
    throw new RangeError(`ctc: ${probs.length} probabilities for ${steps}x${classes}`);
  }
  const chars: CtcChar[] = [];
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let arg = 0;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      const p = probs[row + c] ?? 0;
      if (p > max) {
        max = p;
        arg = c;
      }
    }
    if (arg !== blank) {
      const last = chars[chars.length - 1];
      if (arg === prev && last) {
        if (max > last.p) {
          last.p = max;
          last.t = t;
          last.alternatives = topAlternatives(probs, row, classes, arg, blank, labels, topK);
        }
      } else {
        chars.push({
          char: labels[arg] ?? '',
          cls: arg,
          p: max,
          t,
          alternatives: topAlternatives(probs, row, classes, arg, blank, labels, topK),
        });
      }
    }
    prev = arg;
  }
  return { text: chars.map((c) => c.char).join(''), chars };
}

/**
 * Sums class probabilities into groups: `groupOf[c]` is the group of class `c` (or -1 to drop
 * it). Used to fold a large dictionary (e.g. 6,625 Chinese/Latin classes) into the few symbols
 * a plate can hold, so that probability mass split between 'o', 'O' and '0'-like classes is
 * counted where it belongs instead of losing to an unrelated glyph.
 */
export function foldClasses(
  probs: ArrayLike<number>,
  steps: number,
  classes: number,
  groupOf: ArrayLike<number>,
  groups: number,
): Float32Array {
  const out = new Float32Array(steps * groups);
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    const orow = t * groups;
    for (let c = 0; c < classes; c++) {
      const g = groupOf[c] ?? -1;
      if (g >= 0) out[orow + g] = (out[orow + g] ?? 0) + (probs[row + c] ?? 0);
    }
  }
  return out;
}
