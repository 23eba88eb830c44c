import { describe, expect, it } from 'vitest';
import { backoffMs, isSettled, observe } from '../../src/core/readiness.js';
import { signBody } from '../../src/infra/webhook.js';
import { alertId, alreadyAlerted } from '../../src/pipeline/watch.js';

describe('watching files and alerting once', () => {
  it('takes a file only once its size and mtime have been still for the settle time', () => {
    let s = observe(undefined, 1000, 50_000, 50_000);
    expect(isSettled(s, 52_000, 5000)).toBe(false);
    s = observe(s, 2000, 54_000, 54_000); // grew: the clock starts again
    expect(isSettled(s, 58_000, 5000)).toBe(false);
    expect(isSettled(observe(s, 2000, 54_000, 59_000), 59_000, 5000)).toBe(true);
    // footage already there, untouched for a while, is taken at once; an empty file never
    expect(isSettled(observe(undefined, 10, 1000, 90_000), 90_000, 5000)).toBe(true);
    expect(isSettled(observe(undefined, 0, 1000, 90_000), 99_000, 5000)).toBe(false);
  });
  it('backs off 1, 2, 4 … s up to a minute', () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n))).toEqual([1000, 2000, 4000, 8000, 60_000]);
  });
  it('knows a sighting already alerted, also after a re-index changed its track ids', () => {
    const raised = [{ track_id: 't1', start_offset: 2.0, end_offset: 4.5 }];
    expect(alreadyAlerted({ trackId: 't1', startOffset: 9, endOffset: 9 }, raised)).toBe(true);
    expect(alreadyAlerted({ trackId: 't9', startOffset: 2.5, endOffset: 4.0 }, raised)).toBe(true);
    expect(alreadyAlerted({ trackId: 't9', startOffset: 7.0, endOffset: 9.0 }, raised)).toBe(false);
    expect(alertId('LE21ABC', 's', 't1')).toBe(alertId('LE21ABC', 's', 't1'));
    expect(alertId('LE21ABC', 's', 't1')).not.toBe(alertId('LE21ABC', 's2', 't1'));
  });
  it('signs a body with HMAC-SHA256 as openssl does', () => {
    // printf '{}' | openssl dgst -sha256 -hmac k
    expect(signBody('{}', 'k')).toBe(
      'sha256=add853b103fbcc936a194f9eb15e29c4ff08af6e47d5d1bca4f20218e31e4fff',
    );
  });
});
