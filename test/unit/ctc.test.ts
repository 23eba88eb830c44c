import { describe, expect, it } from 'vitest';
import { ctcGreedyDecode, foldClasses } from '../../src/core/ctc.js';

const labels = ['', 'A', 'B', 'C'];

/** One-hot-ish rows: each step puts `p` on the class given and spreads the rest. */
function probs(seq: number[], p = 0.9, classes = 4): Float32Array {
  const out = new Float32Array(seq.length * classes);
  seq.forEach((c, t) => {
    for (let k = 0; k < classes; k++) out[t * classes + k] = k === c ? p : (1 - p) / (classes - 1);
  });
  return out;
}

describe('ctcGreedyDecode', () => {
  it('merges repeats and drops blanks', () => {
    const r = ctcGreedyDecode(probs([0, 1, 1, 0, 2, 0, 0, 3, 3]), 9, 4, labels);
    expect(r.text).toBe('ABC');
    expect(r.chars.map((c) => c.t)).toEqual([1, 4, 7]);
  });

  it('keeps a letter repeated across a blank twice', () => {
    expect(ctcGreedyDecode(probs([1, 0, 1]), 3, 4, labels).text).toBe('AA');
    expect(ctcGreedyDecode(probs([1, 1, 1]), 3, 4, labels).text).toBe('A');
  });

  it('returns empty text for all blanks and for no steps', () => {
    expect(ctcGreedyDecode(probs([0, 0]), 2, 4, labels).text).toBe('');
    expect(ctcGreedyDecode(new Float32Array(0), 0, 4, labels).chars).toEqual([]);
  });

  it('keeps the peak probability of a run and runner-up alternatives without the blank', () => {
    const p = new Float32Array([
      // t0: A 0.6, B 0.3
      0.05, 0.6, 0.3, 0.05,
      // t1: A 0.8, C 0.15
      0.02, 0.8, 0.03, 0.15,
    ]);
    const r = ctcGreedyDecode(p, 2, 4, labels, { topK: 2 });
    expect(r.text).toBe('A');
    expect(r.chars[0]?.p).toBeCloseTo(0.8);
    expect(r.chars[0]?.t).toBe(1);
    expect(r.chars[0]?.alternatives.map((a) => a.char)).toEqual(['C', 'B']);
  });

  it('honours another blank index', () => {
    const r = ctcGreedyDecode(probs([3, 1, 3, 2]), 4, 4, ['', 'A', 'B', ''], { blank: 3 });
    expect(r.text).toBe('AB');
  });

  it('rejects short input', () => {
    expect(() => ctcGreedyDecode(new Float32Array(3), 1, 4, labels)).toThrow(RangeError);
  });
});

describe('foldClasses', () => {
  it('sums classes into groups and drops -1', () => {
    const p = new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.25, 0.25, 0]);
    const f = foldClasses(p, 2, 4, [0, 1, 1, -1], 2);
    expect(Array.from(f)).toEqual([expect.closeTo(0.1), expect.closeTo(0.5), 0.5, 0.5]);
  });

  it('lets split probability mass win over a single stronger class', () => {
    // classes: blank, 'o', 'O', '口'; 'o'+'O' (0.6) beat '口' (0.4) once folded
    const p = new Float32Array([0, 0.3, 0.3, 0.4]);
    expect(ctcGreedyDecode(p, 1, 4, ['', 'o', 'O', '口']).text).toBe('口');
    const f = foldClasses(p, 1, 4, [0, 1, 1, 2], 3);
    expect(ctcGreedyDecode(f, 1, 3, ['', 'O', '?']).text).toBe('O');
  });
});
