import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, escapeHtml, plainText, safeFileComponent } from '../../src/core/escape.js';

describe('escapeHtml', () => {
  it('escapes markup and quotes', () => {
    expect(escapeHtml('<script>alert("x")</script>')).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;',
    );
    expect(escapeHtml(`a & 'b'`)).toBe('a &amp; &#39;b&#39;');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(12)).toBe('12');
  });
  it('neutralises control characters', () => {
    expect(escapeHtml('a\u0000b')).toBe('a\uFFFDb');
  });
});

describe('plainText (terminal, PDF)', () => {
  it('removes ANSI escape sequences and control/bidi characters', () => {
    expect(plainText('\u001b[31mred\u001b[0m')).toBe('\uFFFDred\uFFFD');
    expect(plainText('\u001b]0;title\u0007x')).toBe('\uFFFDx');
    expect(plainText('a\rb\u0008c\u007f\u009b2J')).toBe('a\uFFFDb\uFFFDc\uFFFD\uFFFD');
    expect(plainText('evil\u202Egnp.exe')).toBe('evil\uFFFDgnp.exe');
    expect(plainText('x\u001b')).not.toContain('\u001b');
  });
  it('keeps newlines only when multiline, and keeps non-Latin text', () => {
    expect(plainText('a\nb\tc')).toBe('a b c');
    expect(plainText('a\nb', true)).toBe('a\nb');
    expect(plainText('Ødegård 東京 Ω')).toBe('Ødegård 東京 Ω');
  });
});

describe('CSV', () => {
  it('neutralises formula-like cells with a leading apostrophe, quoted', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-2+3')).toBe(`"'-2+3"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('\tx')).toBe(`"'\tx"`);
  });
  it('replaces control and escape characters: a CSV printed in a terminal cannot drive it', () => {
    expect(csvCell('\rx')).toBe('\uFFFDx');
    expect(csvCell('cam\u001b[31mred')).not.toContain('\u001b');
    expect(csvCell('a\u0007b')).toBe('a\uFFFDb');
  });
  it('quotes separators, quotes and newlines; leaves plain text and numbers alone', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell('cam-01')).toBe('cam-01');
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvRow(['a', 1, null, '=x'])).toBe(`a,1,,"'=x"\r\n`);
  });
});

describe('safeFileComponent', () => {
  it('keeps names safe in any file system', () => {
    expect(safeFileComponent('<script>alert(1)</script>')).toBe('_script_alert_1_script_');
    expect(safeFileComponent('../../etc/passwd')).toBe('__.._etc_passwd');
    expect(safeFileComponent('')).toBe('_');
    expect(safeFileComponent('cam-01')).toBe('cam-01');
    expect(safeFileComponent('x'.repeat(100))).toHaveLength(40);
  });
});
