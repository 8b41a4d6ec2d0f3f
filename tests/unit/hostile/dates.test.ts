// Date texts of the mail pages and LinkedIn on adversarial input: capped, so linear time
// (docs/architecture.md, principle 11).
import { describe, expect, it } from 'vitest';
import { MAX_DATE_TEXT, parseMailDate } from '../../../sites/mail/date';
import { MAX_DATE_RANGE_TEXT, normalizeDateRange } from '../../../sites/linkedin/parse';
import { HOSTILE_BOUND_MS, withinBound } from './helpers';

describe('date texts on adversarial input', () => {
  for (const n of [100_000, 200_000]) {
    it(`parseMailDate on ${n} "(": under ${HOSTILE_BOUND_MS} ms`, () => {
      expect(withinBound('parseMailDate', () => parseMailDate('('.repeat(n)))).toBeUndefined();
    });
    it(`normalizeDateRange on ${n} "(": under ${HOSTILE_BOUND_MS} ms`, () => {
      expect(typeof withinBound('normalizeDateRange', () => normalizeDateRange('('.repeat(n)))).toBe('string');
    });
  }
  it('caps leave real dates alone', () => {
    expect(MAX_DATE_TEXT).toBeGreaterThanOrEqual(200);
    expect(MAX_DATE_RANGE_TEXT).toBeGreaterThanOrEqual(200);
    expect(parseMailDate('Mon, Nov 2, 2026, 10:14 AM (3 days ago)')).toBeDefined();
    expect(normalizeDateRange('December 2008 – Present (7 years)')).toBe('December 2008 - Present');
  });
});
