import { describe, expect, it } from 'vitest';
import type { SearchDocument, SearchResult } from '../../src/core/types.js';
import { acceptedOnly, applyReview } from '../../src/review/decisions.js';

const result = (camera: string): SearchResult => ({
  kind: 'plate',
  camera,
  source: { path: '/v.mp4', sha256: 'a'.repeat(64) },
  startOffset: 0,
  endOffset: 1,
  startTime: null,
  endTime: null,
  score: 0.9,
  evidence: { offset: 0.5, box: [0, 0, 10, 10] },
});

describe("an examiner's review", () => {
  const doc: SearchDocument = { query: { kind: 'plate' }, results: [result('a'), result('b'), result('c')] };
  const who = {
    examiner: 'A. Examiner',
    reviewedAt: '2026-12-02T10:00:00Z',
    resultsFile: { path: '/r.json', sha256: 'b'.repeat(64) },
  };
  it('records each decision and the counts, leaving the rest unreviewed', () => {
    const reviewed = applyReview(
      doc,
      new Map([
        [0, { decision: 'accepted' as const }],
        [2, { decision: 'rejected' as const, note: '  wrong car  ' }],
      ]),
      who,
    );
    expect(reviewed.review).toEqual({ ...who, accepted: 1, rejected: 1, unreviewed: 1 });
    expect(reviewed.results.map((r) => r.review)).toEqual([
      { decision: 'accepted' },
      { decision: 'unreviewed' },
      { decision: 'rejected', note: 'wrong car' },
    ]);
    expect(doc.results[0]).not.toHaveProperty('review'); // the original document is not changed
    expect(acceptedOnly(reviewed).results.map((r) => r.camera)).toEqual(['a']);
  });
  it('exports every sighting of a file nobody reviewed', () => {
    expect(acceptedOnly(doc).results).toHaveLength(3);
  });
});
