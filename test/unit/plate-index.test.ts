import { describe, expect, it } from 'vitest';
import { CONFUSABLE_GROUPS, matchPlate } from '../../src/core/plate.js';
import { PlateTextIndex, patternBigrams } from '../../src/core/plate-index.js';
import { seededRandom } from '../../src/core/random.js';

const rng = seededRandom;

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

/** Plate-like texts, and misreads of them: look-alike swaps, lost, extra and swapped characters. */
function corpus(n: number, seed: number): string[] {
  const r = rng(seed);
  const pick = (s: string): string => s[Math.floor(r() * s.length)] as string;
  const lookAlike = (c: string): string => {
    const groups = CONFUSABLE_GROUPS.filter((g) => g.includes(c));
    if (groups.length === 0) return c;
    return pick(groups[Math.floor(r() * groups.length)] as string);
  };
  const out = new Set<string>();
  while (out.size < n) {
    const fmt = r() < 0.5 ? 'LLDDLLL' : r() < 0.5 ? 'LLLDDDD' : 'DLLLDDD';
    let t = [...fmt].map((f) => pick(f === 'L' ? LETTERS : DIGITS)).join('');
    out.add(t);
    // a few misreads of the same plate
    for (let k = 0; k < 3; k++) {
      const chars = [...t];
      const i = Math.floor(r() * chars.length);
      const u = r();
      if (u < 0.5) chars[i] = lookAlike(chars[i] as string);
      else if (u < 0.65) chars.splice(i, 1);
      else if (u < 0.8) chars.splice(i, 0, pick(LETTERS + DIGITS));
      else if (i + 1 < chars.length) [chars[i], chars[i + 1]] = [chars[i + 1] as string, chars[i] as string];
      t = chars.join('');
      out.add(t);
    }
  }
  return [...out];
}

describe('PlateTextIndex', () => {
  const texts = corpus(3000, 7);
  const index = new PlateTextIndex(texts);

  // patterns as investigators type them: whole plates, misread plates, partial runs and wildcards
  const r = rng(11);
  const patterns: string[] = [];
  for (let k = 0; k < 60; k++) {
    const t = texts[Math.floor(r() * texts.length)] as string;
    patterns.push(t, t.slice(1, 5), `${t.slice(0, 3)}*`, `${t.slice(0, 2)}?${t.slice(3)}`, `*${t.slice(-3)}`);
  }
  patterns.push('A', '*', 'LE21ABC', 'L?2*C');

  it('finds exactly the texts a scan of every text finds, tolerant and exact', () => {
    for (const exact of [false, true]) {
      for (const p of patterns) {
        const scan = texts.flatMap((t, i) => {
          const m = matchPlate(p, t, { exact });
          return m ? [{ text: i, match: m }] : [];
        });
        expect(index.match(p, { exact }), `${p} exact=${exact}`).toEqual(scan);
      }
    }
  });

  it('checks only a small part of the texts for a whole plate', () => {
    const before = index.stats.checked;
    const at = texts.findIndex((t, i) => i > 100 && t.length === 7);
    const t = texts[at] as string;
    const hits = index.match(t);
    expect(hits.some((h) => h.text === at)).toBe(true);
    expect(index.stats.checked - before).toBeLessThan(texts.length / 10);
  });

  it('counts bigrams only inside literal runs', () => {
    expect(patternBigrams('LE2*AB?C')).toEqual([
      ['L', 'E'],
      ['E', '2'],
      ['A', 'B'],
    ]);
  });
});
