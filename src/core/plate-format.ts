/**
 * Plate formats of a region: which positions hold letters and which digits. A settled reading
 * that fits one format of its region after swapping look-alikes (O/0, I/1, B/8, S/5, Z/2, G/6,
 * A/4, T/7, D/0) is written in that format; the readings themselves are kept as read. Pure.
 *
 * 'L' a letter, 'D' a digit. Only formats in national use for current issues are listed; a
 * region without a fixed scheme (US states, Germany) has none, and its readings are left alone.
 */

export const PLATE_FORMATS: Readonly<Record<string, readonly string[]>> = {
  /** Great Britain since 2001: AB12 CDE. */
  gb: ['LLDDLLL'],
  /** Slovakia, France (SIV), Italy: AB 123 CD. */
  sk: ['LLDDDLL'],
  fr: ['LLDDDLL'],
  it: ['LLDDDLL'],
  /** Czech Republic: 1A2 3456, 1AB 3456. */
  cz: ['DLDDDDD', 'DLLDDDD'],
  /** Spain since 2000: 1234 BCD. */
  es: ['DDDDLLL'],
  /** Brazil: ABC 1234 (before 2018), Mercosur ABC 1D23. */
  br: ['LLLDDDD', 'LLLDLDD'],
  /** India (e.g. Pune MH12 AB 1234, MH12 A 1234). */
  in: ['LLDDLLDDDD', 'LLDDLDDDD'],
  /** United States: formats differ by state and series; none is imposed. */
  us: [],
  /** Germany: variable-length district codes; none is imposed. */
  de: [],
};

export type PlateRegion = keyof typeof PLATE_FORMATS;
export const PLATE_REGIONS = Object.keys(PLATE_FORMATS);

/** The letter a digit is mistaken for, and the digit a letter is mistaken for (OCR look-alikes). */
const TO_LETTER: Readonly<Record<string, string>> = {
  '0': 'O',
  '1': 'I',
  '2': 'Z',
  '4': 'A',
  '5': 'S',
  '6': 'G',
  '7': 'T',
  '8': 'B',
};
const TO_DIGIT: Readonly<Record<string, string>> = {
  O: '0',
  Q: '0',
  D: '0',
  I: '1',
  L: '1',
  Z: '2',
  A: '4',
  S: '5',
  G: '6',
  T: '7',
  B: '8',
};

/** `text` written in `format` by look-alike swaps only, or null when it cannot be. */
export function fitFormat(text: string, format: string): string | null {
  if (text.length !== format.length) return null;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    const want = format[i];
    const isDigit = ch >= '0' && ch <= '9';
    if (want === 'D') {
      if (isDigit) out += ch;
      else if (TO_DIGIT[ch]) out += TO_DIGIT[ch];
      else return null;
    } else {
      if (!isDigit) out += ch;
      else if (TO_LETTER[ch]) out += TO_LETTER[ch];
      else return null;
    }
  }
  return out;
}

export interface FormatFit {
  /** The text as the format writes it (unchanged when no format fits one way). */
  text: string;
  /** The format that was applied, or null. */
  format: string | null;
  /** Characters swapped. */
  swaps: number;
}

/**
 * A settled reading written in its region's format: every format of `regions` (all known
 * formats with 'auto') is tried, and the one needing the fewest swaps is taken when no other
 * format needs as few, and at most `maxSwaps` (MAX_AUTO_SWAPS for formats not named by the user).
 * A text that already fits some
 * format, or fits none, or fits two equally, stays as read. 'none' changes nothing.
 */
export function settleFormat(
  text: string,
  regions: readonly string[] | 'auto' | 'none',
  maxSwaps = regions === 'auto' ? MAX_AUTO_SWAPS : Infinity,
): FormatFit {
  const keep: FormatFit = { text, format: null, swaps: 0 };
  if (regions === 'none') return keep;
  const names = regions === 'auto' ? PLATE_REGIONS : regions;
  let best: FormatFit | null = null;
  let tied = false;
  for (const r of names) {
    for (const f of PLATE_FORMATS[r] ?? []) {
      const fit = fitFormat(text, f);
      if (fit === null) continue;
      let swaps = 0;
      for (let i = 0; i < text.length; i++) if (text[i] !== fit[i]) swaps++;
      if (swaps === 0) return keep;
      if (!best || swaps < best.swaps) {
        best = { text: fit, format: f, swaps };
        tied = false;
      } else if (swaps === best.swaps && fit !== best.text) tied = true;
    }
  }
  if (!best || tied || best.swaps > maxSwaps) return keep;
  return best;
}

/**
 * Swaps a format not named by the user may make: one look-alike slip. A camera sees plates from
 * elsewhere (a neighbouring country, an import); one that needs two rewrites to fit the local
 * scheme is more likely foreign than misread twice (measured: the EU footage mixes Slovak and
 * Czech plates, and two or more rewrites turned exact Czech readings into wrong Slovak ones).
 */
export const MAX_AUTO_SWAPS = 1;

/** Whether a text fits some format of the given regions exactly (no swap needed). */
export function fitsRegion(text: string, regions: readonly string[]): boolean {
  return regions.some((r) => (PLATE_FORMATS[r] ?? []).some((f) => fitFormat(text, f) === text));
}

/** Tracks of one source needed before its region is inferred from their texts. */
export const INFER_MIN_TRACKS = 3;
/** Share of a source's plate texts that must fit a region's formats exactly to infer it. */
export const INFER_MIN_SHARE = 0.5;

/**
 * The region of one camera's plates, inferred from the texts it settled: the regions whose
 * formats at least INFER_MIN_SHARE of the texts fit exactly (several when they share formats,
 * e.g. sk, fr and it), or null. US footage, whose states follow no common scheme, infers none.
 */
export function inferRegion(texts: readonly string[]): string[] | null {
  if (texts.length < INFER_MIN_TRACKS) return null;
  let best: string[] = [];
  let bestShare = 0;
  for (const r of PLATE_REGIONS) {
    if ((PLATE_FORMATS[r] ?? []).length === 0) continue;
    const share = texts.filter((t) => fitsRegion(t, [r])).length / texts.length;
    if (share > bestShare + 1e-9) {
      best = [r];
      bestShare = share;
    } else if (Math.abs(share - bestShare) <= 1e-9 && share > 0) best.push(r);
  }
  return bestShare >= INFER_MIN_SHARE ? best : null;
}

/**
 * The settled texts of one source written in its region's formats: `setting` names the region
 * ('none': as read; 'auto': inferred from the texts themselves with inferRegion).
 */
export function formatTexts(
  texts: readonly string[],
  setting: string,
): { texts: string[]; region: string[] | null } {
  if (setting === 'none') return { texts: [...texts], region: null };
  const region = setting === 'auto' ? inferRegion(texts) : [setting];
  if (!region) return { texts: [...texts], region: null };
  const maxSwaps = setting === 'auto' ? MAX_AUTO_SWAPS : Infinity;
  return { texts: texts.map((t) => settleFormat(t, region, maxSwaps).text), region };
}
