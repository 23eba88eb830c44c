import { describe, expect, it } from 'vitest';
import { fitFormat, formatTexts, inferRegion, settleFormat } from '../../src/core/plate-format.js';

describe('plate formats', () => {
  it('write a reading in its format by look-alike swaps only', () => {
    expect(fitFormat('RK340A0', 'LLDDDLL')).toBe('RK340AO');
    expect(fitFormat('LM298A1', 'LLDDDLL')).toBe('LM298AI');
    expect(fitFormat('0Y09FEU', 'LLDDLLL')).toBe('OY09FEU');
    // a 3 where a letter must be has no look-alike: no fit
    expect(fitFormat('R3340AO', 'LLDDDLL')).toBeNull();
    expect(fitFormat('RK340A', 'LLDDDLL')).toBeNull();
  });
  it('leave a reading that already fits, or that two formats would write differently', () => {
    expect(settleFormat('ABC1234', ['br']).text).toBe('ABC1234');
    expect(settleFormat('AB01234', ['br']).text).toBe('ABO1234');
    expect(settleFormat('RK340A0', 'none').text).toBe('RK340A0');
  });
  it('take the format needing the fewest swaps', () => {
    // gb would need two swaps (RK34OAO), sk one (RK340AO)
    expect(settleFormat('RK340A0', ['gb', 'sk'])).toMatchObject({
      text: 'RK340AO',
      format: 'LLDDDLL',
      swaps: 1,
    });
  });
});

describe('a camera region from its own plates', () => {
  it('is inferred when most of its plates fit one scheme', () => {
    expect(inferRegion(['ABC1234', 'FZB9581', 'AYO9034', 'QWE1B23'])).toEqual(['br']);
    expect(inferRegion(['RK340AO', 'BA302OZ', 'RK101AO'])).toEqual(
      expect.arrayContaining(['sk', 'fr', 'it']),
    );
  });
  it('is not inferred from US plates, whose states share no scheme, nor from too few', () => {
    expect(inferRegion(['5LTA600', '6TIX874', 'ANW2529', 'HL0KTY1', 'CCLVN3', '4GLS168'])).toBeNull();
    expect(inferRegion(['ABC1234', 'FZB9581'])).toBeNull();
  });
  it('writes every settled text in the inferred scheme', () => {
    const { texts, region } = formatTexts(['RK340A0', 'BA302OZ', 'RK101AO', 'LM298A1'], 'auto');
    expect(region).toContain('sk');
    expect(texts).toEqual(['RK340AO', 'BA302OZ', 'RK101AO', 'LM298AI']);
    expect(formatTexts(['RK340A0'], 'sk').texts).toEqual(['RK340AO']);
  });
});

describe('an inferred region and plates from elsewhere', () => {
  it('rewrites one look-alike slip, but not a foreign plate that would need two', () => {
    const read = ['RK340A0', 'BA302OZ', 'RK101AO', 'BB135BO', 'RK550AO', 'BS47040', '4B39376'];
    const { texts } = formatTexts(read, 'auto');
    expect(texts).toEqual(['RK340AO', 'BA302OZ', 'RK101AO', 'BB135BO', 'RK550AO', 'BS47040', '4B39376']);
    // named by the user, the region's format is applied however many swaps it takes
    expect(formatTexts(['BS47040'], 'sk').texts).toEqual(['BS470AO']);
  });
});
