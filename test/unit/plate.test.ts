import { describe, expect, it } from 'vitest';
import {
  isConfusable,
  literalCount,
  matchBudget,
  matchPlate,
  normalisePattern,
  normalisePlate,
  patternProblem,
  plateDistance,
  substitutionCost,
} from '../../src/core/plate.js';
import { validatePattern } from '../../src/track/plates.js';
import { InputError } from '../../src/errors.js';

describe('normalisePlate', () => {
  it('upper-cases and drops separators', () => {
    expect(normalisePlate('le21 abc')).toBe('LE21ABC');
    expect(normalisePlate('M5-XSX')).toBe('M5XSX');
    expect(normalisePlate('AYO·9034')).toBe('AYO9034');
    expect(normalisePlate('F.WE 50')).toBe('FWE50');
  });
  it('maps full-width and Cyrillic/Greek look-alikes', () => {
    expect(normalisePlate('ＬＥ２１ＡＢＣ')).toBe('LE21ABC');
    expect(normalisePlate('А123ВС')).toBe('A123BC'); // Cyrillic А, В, С
    expect(normalisePlate('ΚΧ68ΤΥΡ')).toBe('KX68TYP'); // Greek
  });
  it('drops everything else', () => {
    expect(normalisePlate('京A·12345')).toBe('A12345');
    expect(normalisePlate('')).toBe('');
  });
});

describe('confusables and distance', () => {
  it('knows the usual OCR slips, both ways', () => {
    for (const [a, b] of ['0O', 'OD', '1I', '7T', '2Z', '5S', '6G', '8B', '4A', 'UV']) {
      expect(isConfusable(a ?? '', b ?? '')).toBe(true);
      expect(isConfusable(b ?? '', a ?? '')).toBe(true);
    }
    expect(isConfusable('A', 'X')).toBe(false);
    expect(substitutionCost('A', 'A')).toBe(0);
    expect(substitutionCost('0', 'O')).toBeCloseTo(0.2);
    expect(substitutionCost('A', 'X')).toBe(1);
  });
  it('weights confusable substitutions cheaply', () => {
    expect(plateDistance('LE21ABC', 'LE21ABC')).toBe(0);
    expect(plateDistance('LE21ABC', 'LEZ1A8C')).toBeCloseTo(0.4);
    expect(plateDistance('LE21ABC', 'LE21XBC')).toBe(1);
    expect(plateDistance('LE21ABC', 'LE21AB')).toBe(1);
    expect(plateDistance('', 'ABC')).toBe(3);
  });
  it('is symmetric and obeys the triangle inequality on samples', () => {
    const s = ['LE21ABC', 'LE2IABC', 'KX68TYP', 'KX6BTYP', 'AB12', 'A', ''];
    for (const a of s)
      for (const b of s) {
        expect(plateDistance(a, b)).toBeCloseTo(plateDistance(b, a));
        for (const c of s)
          expect(plateDistance(a, c)).toBeLessThanOrEqual(plateDistance(a, b) + plateDistance(b, c) + 1e-9);
      }
  });
});

describe('transpositions and measured confusables', () => {
  it('costs a swap of neighbours like one wrong character', () => {
    expect(plateDistance('FZB9581', 'FBZ9581')).toBeCloseTo(1);
    expect(plateDistance('AB', 'BA')).toBeCloseTo(1);
    expect(plateDistance('FBZ9581', 'FZB9581')).toBeCloseTo(1);
  });
  it('finds a plate read with two characters swapped, not in exact mode', () => {
    expect(matchPlate('FZB9581', 'FBZ9581')?.cost).toBeCloseTo(1);
    expect(matchPlate('FZB9581', 'XXFBZ9581YY')?.cost).toBeCloseTo(1);
    expect(matchPlate('FZB9581', 'FBZ9581', { exact: true })).toBeNull();
    expect(matchPlate('F?B9581', 'FBZ9581')?.cost).toBeGreaterThanOrEqual(1);
  });
  it('treats Y/V and 4/L as confusable', () => {
    expect(matchPlate('YG9X2G', 'VG9X2G')?.cost).toBeCloseTo(0.2);
    expect(matchPlate('4GLS168', 'LGLS168')?.cost).toBeCloseTo(0.2);
  });
});

describe('patterns', () => {
  it('normalises patterns', () => {
    expect(normalisePattern('le2 *')).toBe('LE2*');
    expect(normalisePattern('a**?b')).toBe('A*?B');
    expect(literalCount('LE2*?')).toBe(3);
  });
  it('validates', () => {
    expect(patternProblem('LE21ABC')).toBeNull();
    expect(patternProblem('le-21 a?c*')).toBeNull();
    expect(patternProblem('')).toMatch(/empty/);
    expect(patternProblem('   ')).toMatch(/empty/);
    expect(patternProblem('***')).toMatch(/no letter or digit/);
    expect(patternProblem('LE21#BC')).toMatch(/"#"/);
    expect(() => validatePattern('LE$')).toThrow(InputError);
    expect(() => validatePattern('LE$')).toThrow(/^[^\n]+$/);
    expect(() => validatePattern('LE2*')).not.toThrow();
  });
  it('scales the budget with pattern length', () => {
    expect(matchBudget('LE2')).toBeCloseTo(0.4);
    expect(matchBudget('LE21ABC')).toBeCloseTo(1.4);
    expect(matchBudget('LE21ABCDE')).toBeCloseTo(2.4);
    expect(matchBudget('LE21ABC', true)).toBe(0);
  });
});

describe('matchPlate', () => {
  it('matches exactly, with span', () => {
    expect(matchPlate('LE21ABC', 'LE21ABC')).toEqual({ cost: 0, start: 0, end: 7, score: 1 });
  });
  it('matches a partial pattern inside a longer reading', () => {
    expect(matchPlate('21AB', 'LE21ABC')).toMatchObject({ cost: 0, start: 2, end: 6 });
    expect(matchPlate('LE21ABC', 'XLE21ABCY')).toMatchObject({ cost: 0, start: 1, end: 8 });
  });
  it('handles wildcards', () => {
    expect(matchPlate('LE2*', 'LE21ABC')).toMatchObject({ cost: 0, start: 0, end: 3 });
    expect(matchPlate('*ABC', 'LE21ABC')).toMatchObject({ cost: 0, end: 7 });
    expect(matchPlate('LE??ABC', 'LE21ABC')).toMatchObject({ cost: 0, start: 0, end: 7 });
    expect(matchPlate('L*C', 'LE21ABC')).toMatchObject({ cost: 0, start: 0, end: 7 });
    expect(matchPlate('LE??ABC', 'LE2ABC', { exact: true })).toBeNull();
  });
  it('tolerates OCR confusions within budget', () => {
    expect(matchPlate('LE21ABC', 'LEZ1A8C')?.cost).toBeCloseTo(0.4);
    expect(matchPlate('LE21ABC', 'LE21XBC')?.cost).toBe(1);
    expect(matchPlate('LE21ABC', 'LE21AB')?.cost).toBe(1); // last char missing
    expect(matchPlate('LE21ABC', 'LE21ABXC')?.cost).toBe(1); // extra char
    expect(matchPlate('LE21ABC', 'LX21XBC')).toBeNull(); // two full errors > 1.4
    expect(matchPlate('LE21ABC', 'KX68TYP')).toBeNull();
  });
  it('is strict in exact mode but keeps wildcards and partial matches', () => {
    expect(matchPlate('LE21ABC', 'LEZ1ABC', { exact: true })).toBeNull();
    expect(matchPlate('LE21ABC', 'LE21ABC', { exact: true })?.cost).toBe(0);
    expect(matchPlate('LE2*', 'XLE21ABC', { exact: true })).toMatchObject({ cost: 0, start: 1, end: 4 });
    expect(matchPlate('L?21', 'LE21ABC', { exact: true })).toMatchObject({ cost: 0, start: 0, end: 4 });
  });
  it('normalises both sides', () => {
    expect(matchPlate('le21 abc', 'LE21-ABC')?.cost).toBe(0);
  });
  it('scores fall with cost', () => {
    const a = matchPlate('LE21ABC', 'LE21ABC')?.score ?? 0;
    const b = matchPlate('LE21ABC', 'LEZ1ABC')?.score ?? 0;
    const c = matchPlate('LE21ABC', 'LE21XBC')?.score ?? 0;
    expect(a).toBeGreaterThan(b);
    expect(b).toBeGreaterThan(c);
  });
  it('honours maxCost', () => {
    expect(matchPlate('LE21ABC', 'LEZ1ABC', { maxCost: 0.1 })).toBeNull();
  });
});
