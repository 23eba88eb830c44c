/**
 * An examiner's review of a results file: each sighting accepted or rejected, with a note. The
 * reviewed document is the original plus `review` (who, when, counts) and a `review` on each
 * result; `export` of it takes the accepted sightings only. Pure.
 */
import type { ReviewSummary, SearchDocument, SearchResult } from '../core/types.js';

export type { ReviewSummary } from '../core/types.js';

export type Decision = 'accepted' | 'rejected' | 'unreviewed';

export type Reviewed<T> = T & { review?: { decision: Decision; note?: string } };

/** The reviewed document: decisions by result index (rank); results without one stay unreviewed. */
export function applyReview(
  doc: SearchDocument,
  decisions: ReadonlyMap<number, { decision: Decision; note?: string }>,
  who: { examiner: string; reviewedAt: string; resultsFile: { path: string; sha256: string } },
): SearchDocument & { review: ReviewSummary } {
  const results = doc.results.map((r, i): Reviewed<SearchResult> => {
    const d = decisions.get(i);
    const note = d?.note?.trim();
    return { ...r, review: { decision: d?.decision ?? 'unreviewed', ...(note ? { note } : {}) } };
  });
  const count = (k: Decision): number => results.filter((r) => r.review?.decision === k).length;
  return {
    ...doc,
    results,
    review: {
      ...who,
      accepted: count('accepted'),
      rejected: count('rejected'),
      unreviewed: count('unreviewed'),
    },
  };
}

/** What an export takes of a document: of a reviewed one, the accepted sightings only. */
export function acceptedOnly(doc: SearchDocument): SearchDocument {
  const review = (doc as { review?: unknown }).review;
  if (!review) return doc;
  return {
    ...doc,
    results: doc.results.filter((r) => (r as Reviewed<SearchResult>).review?.decision === 'accepted'),
  };
}
