import { describe, expect, it } from 'vitest';
import type { SearchDocument, SearchResult } from '../../src/core/types.js';
import { parseFormats } from '../../src/cli/export.js';
import { InputError, UsageError } from '../../src/errors.js';
import { clampRect, cropRect } from '../../src/export/frames.js';
import { buildManifest, checkFiles } from '../../src/export/manifest.js';
import { flattenSettings } from '../../src/export/report-data.js';
import { parseSearchDocument, parseSearchDocumentText } from '../../src/export/schema.js';
import {
  buildTimeline,
  compareSightings,
  evidenceTime,
  thresholdFor,
  timelineCsv,
} from '../../src/export/timeline.js';
import { frameArgs } from '../../src/infra/evidence-frame.js';

const SHA = 'c'.repeat(64);

function result(over: Partial<SearchResult>): SearchResult {
  return {
    kind: 'plate',
    camera: 'cam-01',
    source: { path: 'a.mp4', sha256: SHA },
    startOffset: 0,
    endOffset: 1,
    startTime: null,
    endTime: null,
    score: 0.5,
    evidence: { offset: 0.5, box: [1, 2, 3, 4] },
    ...over,
  };
}

describe('parseSearchDocument', () => {
  it('accepts what search writes', () => {
    const doc = { query: { kind: 'plate', patterns: ['AB*'] }, results: [result({ text: 'AB123' })] };
    expect(parseSearchDocument(doc).results[0]?.text).toBe('AB123');
  });
  it('refuses foreign or hand-broken files with one line naming the key path', () => {
    const bad = {
      query: { kind: 'plate' },
      results: [result({ evidence: { offset: 1, box: [1, 2, 3] as never } })],
    };
    expect(() => parseSearchDocument(bad)).toThrow(InputError);
    expect(() => parseSearchDocument(bad)).toThrow(/results\.0\.evidence\.box/);
    expect(() => parseSearchDocument({ foo: 1 })).toThrow(/query/);
    expect(() => parseSearchDocumentText('{nope')).toThrow(/not JSON/);
    const shaBad = { query: { kind: 'face' }, results: [result({ source: { path: 'a', sha256: 'xyz' } })] };
    expect(() => parseSearchDocument(shaBad)).toThrow(/source\.sha256/);
  });
});

describe('timeline', () => {
  it('orders by wall-clock time, unknown times last by camera then offset', () => {
    const rs = [
      result({ camera: 'b', startOffset: 5 }),
      result({ camera: 'x', startTime: '2023-01-01T10:00:05Z' }),
      result({ camera: 'a', startOffset: 9 }),
      result({ camera: 'y', startTime: '2023-01-01T09:59:00Z' }),
      result({ camera: 'a', startOffset: 1 }),
    ];
    const sorted = [...rs].sort(compareSightings).map((r) => `${r.camera}${r.startOffset}`);
    expect(sorted).toEqual(['y0', 'x0', 'a1', 'a9', 'b5']);
    const doc: SearchDocument = { query: { kind: 'plate' }, results: rs };
    const t = buildTimeline(doc, {}, () => 'intact');
    expect(t.map((e) => e.n)).toEqual([1, 2, 3, 4, 5]);
    expect(t.map((e) => e.rank)).toEqual([3, 1, 4, 2, 0]);
  });

  it('finds the threshold in the query, then the settings', () => {
    expect(thresholdFor('face', { kind: 'face', threshold: 0.7 }, { threshold: 0.1 })).toBe(0.7);
    expect(thresholdFor('face', { kind: 'face' }, { 'face.threshold': 0.6 })).toBe(0.6);
    expect(thresholdFor('face', { kind: 'face' }, { face: { threshold: 0.55 } })).toBe(0.55);
    expect(thresholdFor('plate', { kind: 'plate' }, { plateThreshold: 0.4 })).toBe(0.4);
    expect(thresholdFor('plate', { kind: 'plate' }, {})).toBeNull();
  });

  it('times the evidence frame from the sighting start', () => {
    expect(
      evidenceTime({ startTime: '2023-08-01T11:00:00.000Z', startOffset: 10, evidenceOffset: 12.25 }),
    ).toBe('2023-08-01T11:00:02.250Z');
    expect(evidenceTime({ startTime: null, startOffset: 0, evidenceOffset: 1 })).toBeNull();
  });

  it('writes a neutralised CSV', () => {
    const doc: SearchDocument = {
      query: { kind: 'plate' },
      results: [result({ camera: '=cmd|"/c calc"!A1', text: '+44' })],
    };
    const csv = timelineCsv(buildTimeline(doc, {}, () => 'altered'));
    const [header, row] = csv.replace('\uFEFF', '').split('\r\n');
    expect(header?.split(',')[0]).toBe('n');
    expect(row).toContain(`"'=cmd|""/c calc""!A1"`);
    expect(row).toContain(`"'+44"`);
    expect(row).toContain('altered');
  });

  it("carries a face match's strength into the timeline and its CSV", () => {
    const statement = 'moderate match; none of 580 different-person comparisons (test) scored this high';
    const doc: SearchDocument = {
      query: { kind: 'face', threshold: 0.68 },
      results: [
        result({
          kind: 'face',
          score: 0.7,
          strength: { band: 'moderate', falseMatchRate: 0.0017, statement },
        }),
      ],
    };
    // it survives the check export makes of a results file
    const t = buildTimeline(parseSearchDocument(JSON.parse(JSON.stringify(doc))), {}, () => 'intact');
    expect(t[0]?.strength).toBe(statement);
    const [header, row] = timelineCsv(t).replace('\uFEFF', '').split('\r\n');
    const cols = header!.split(',');
    expect(cols[cols.indexOf('threshold') + 1]).toBe('strength');
    expect(row).toContain(statement);
  });
});

describe('manifest', () => {
  const files = [
    { path: 'timeline.csv', sha256: 'a'.repeat(64), size: 3 },
    { path: 'evidence/01.png', sha256: 'b'.repeat(64), size: 5 },
  ];
  const base = {
    createdAt: '2024-01-01T00:00:00.000Z',
    caseId: 'C',
    examiner: 'E',
    toolVersion: '1.0.0',
    gitCommit: null,
    query: { kind: 'face' as const },
    resultsFile: null,
    results: 1,
    models: [],
    settings: { face: { threshold: 0.6 } },
    problems: [],
    sources: [
      {
        path: 'a.mp4',
        cameras: ['c'],
        sha256AtIndex: SHA,
        sha256AtExport: 'd'.repeat(64),
        sizeAtIndex: 1,
        sizeAtExport: 2,
        status: 'altered' as const,
      },
    ],
    files,
  };

  it('sorts files, lists altered sources, and never lists itself', () => {
    const m = buildManifest(base);
    expect(m.files.map((f) => f.path)).toEqual(['evidence/01.png', 'timeline.csv']);
    expect(m.altered).toEqual(['a.mp4']);
    expect(m.tool).toEqual({ name: 'sightline', version: '1.0.0', gitCommit: null });
    expect(() =>
      buildManifest({ ...base, files: [...files, { path: 'manifest.json', sha256: '', size: 0 }] }),
    ).toThrow();
  });

  it('names changed, missing and extra files; ignores manifest.json and audit.log', () => {
    const found = new Map([
      ['timeline.csv', { sha256: 'f'.repeat(64), size: 3 }],
      ['extra.txt', { sha256: 'e'.repeat(64), size: 1 }],
      ['manifest.json', { sha256: 'x', size: 1 }],
      ['audit.log', { sha256: 'y', size: 1 }],
    ]);
    expect(checkFiles(files, found)).toEqual([
      { file: 'timeline.csv', reason: 'SHA-256 differs from manifest' },
      { file: 'evidence/01.png', reason: 'missing' },
      { file: 'extra.txt', reason: 'extra file, not in manifest' },
    ]);
    expect(checkFiles(files, new Map(files.map((f) => [f.path, f])))).toEqual([]);
  });

  it('flattens settings into key paths', () => {
    expect(flattenSettings({ b: { y: 2, x: [1] }, a: 'z' })).toEqual([
      ['a', 'z'],
      ['b.x', '[1]'],
      ['b.y', '2'],
    ]);
  });
});

describe('frames', () => {
  it('clamps boxes and crops with a margin', () => {
    expect(clampRect(-5, -5, 20, 20, 100, 100)).toEqual({ left: 0, top: 0, width: 15, height: 15 });
    expect(clampRect(99.5, 99.5, 10, 10, 100, 100)).toEqual({ left: 99, top: 99, width: 1, height: 1 });
    expect(cropRect([40, 40, 20, 20], 100, 100)).toEqual({ left: 35, top: 35, width: 30, height: 30 });
  });

  it('seeks early from the file start and selects the exact pts within half a frame', () => {
    const args = frameArgs({ path: 'x.mp4', pts: 12.85, firstPts: 0.85, fps: 25 });
    expect(args[args.indexOf('-ss') + 1]).toBe('10.000000');
    expect(args.indexOf('-ss')).toBeLessThan(args.indexOf('-i'));
    expect(args).toContain('-copyts');
    expect(args[args.indexOf('-vf') + 1]).toBe(`select='lt(abs(t-12.850000)\\,0.020000)'`);
    expect(frameArgs({ path: 'x', pts: 0.9, firstPts: 0.85, fps: 30 })[args.indexOf('-ss') + 1]).toBe(
      '0.000000',
    );
  });
});

describe('parseFormats', () => {
  it('defaults to all, dedupes, refuses unknown', () => {
    expect(parseFormats('')).toEqual(['pdf', 'html', 'csv', 'json']);
    expect(parseFormats('PDF, csv,pdf')).toEqual(['pdf', 'csv']);
    expect(() => parseFormats('pdf,docx')).toThrow(UsageError);
  });
});
