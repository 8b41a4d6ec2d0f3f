// RFM segment names (the rfm package's ten segments) and the classic eight classes against the
// customers' averages, on hand-worked examples.
import { describe, expect, it } from 'vitest';
import { AVERAGE_CLASSES, DEFAULT_SEGMENTS, averageClass, rfmAverages, rfmSegment } from '../../../storage/insight/rfm-segments';

describe('rfmSegment', () => {
  it('keeps the README order and ranges', () => {
    expect(DEFAULT_SEGMENTS.map((s) => s.name)).toEqual([
      'Champions',
      'Potential Loyalist',
      'Loyal Customers',
      'Promising',
      'New Customers',
      "Can't Lose Them",
      'At Risk',
      'Need Attention',
      'About To Sleep',
      'Lost',
    ]);
  });

  it('takes the first matching segment where ranges overlap', () => {
    // 5 5 5 also lies in Potential Loyalist; Champions comes first.
    expect(rfmSegment(5, 5, 5)).toBe('Champions');
    // 3 3 3 lies in Potential Loyalist, Loyal Customers and Need Attention: the first wins.
    expect(rfmSegment(3, 3, 3)).toBe('Potential Loyalist');
    // 2 3 4: Loyal Customers (R2–4 F2–4 M2–4) before Can't Lose Them (R1–2 F3–4 M4–5).
    expect(rfmSegment(2, 3, 4)).toBe('Loyal Customers');
    // 2 3 5: not Loyal (M ≤ 4) → Can't Lose Them before At Risk.
    expect(rfmSegment(2, 3, 5)).toBe("Can't Lose Them");
    // 1 5 5: Can't Lose Them needs F ≤ 4 → At Risk.
    expect(rfmSegment(1, 5, 5)).toBe('At Risk');
    // 3 5 3: Potential Loyalist (F3–5, M2–5).
    expect(rfmSegment(3, 5, 3)).toBe('Potential Loyalist');
    // 1 2 2 → Lost; 2 1 5: About To Sleep needs M ≤ 4, Lost needs R 1 → Others.
    expect(rfmSegment(1, 2, 2)).toBe('Lost');
    expect(rfmSegment(2, 1, 5)).toBe('Others');
  });

  it('uses an edited table (bounds inclusive)', () => {
    const table = [{ name: 'Big spenders', r: [1, 5], f: [1, 5], m: [4, 5] }] as const;
    expect(rfmSegment(1, 1, 4, table)).toBe('Big spenders');
    expect(rfmSegment(5, 5, 3, table)).toBe('Others');
  });
});

describe('averageClass', () => {
  it('has the eight classes with English and Chinese names', () => {
    expect(AVERAGE_CLASSES.map((c) => `${c.en} ${c.zh}`)).toEqual([
      'Important value 重要价值客户',
      'Important development 重要发展客户',
      'Important retention 重要保持客户',
      'Important win-back 重要挽留客户',
      'General value 一般价值客户',
      'General development 一般发展客户',
      'General retention 一般保持客户',
      'General win-back 一般挽留客户',
    ]);
  });

  it('compares each figure with the average of all customers', () => {
    // Averages: recency (1+10+30+90+120)/5 = 50.2, frequency (3+1+2+1+4)/5 = 2.2,
    // monetary (60+100+10+40+4)/5 = 42.8.
    //   a: 1 < 50.2 recent, 3 > 2.2 frequent, 60 > 42.8 high → important value
    //   b: recent, 1 not frequent, 100 high → important development
    //   c: recent, not frequent, 10 low → general development
    //   d: 90 not recent, not frequent, 40 low → general win-back
    //   e: 120 not recent, 4 frequent, 4 low → general retention
    const rows = [
      { customer: 'a', recencyDays: 1, frequency: 3, monetary: 60 },
      { customer: 'b', recencyDays: 10, frequency: 1, monetary: 100 },
      { customer: 'c', recencyDays: 30, frequency: 2, monetary: 10 },
      { customer: 'd', recencyDays: 90, frequency: 1, monetary: 40 },
      { customer: 'e', recencyDays: 120, frequency: 4, monetary: 4 },
    ];
    const averages = rfmAverages(rows);
    expect(averages.recencyDays).toBeCloseTo(50.2, 12);
    expect(averages.frequency).toBeCloseTo(2.2, 12);
    expect(averages.monetary).toBeCloseTo(42.8, 12);
    expect(rows.map((r) => averageClass(r, averages).key)).toEqual([
      'important-value',
      'important-development',
      'general-development',
      'general-win-back',
      'general-retention',
    ]);
  });

  it('classes the remaining corners, a figure at the average counting as low', () => {
    const averages = { recencyDays: 50, frequency: 2, monetary: 100 };
    const cls = (recencyDays: number, frequency: number, monetary: number) =>
      averageClass({ customer: 'x', recencyDays, frequency, monetary }, averages).zh;
    expect(cls(60, 3, 150)).toBe('重要保持客户'); // not recent, frequent, high
    expect(cls(60, 1, 150)).toBe('重要挽留客户'); // not recent, not frequent, high
    expect(cls(10, 3, 50)).toBe('一般价值客户'); // recent, frequent, low
    expect(cls(50, 2, 100)).toBe('一般挽留客户'); // all at the average → all low
  });

  it('averages no customers to zeros', () => {
    expect(rfmAverages([])).toEqual({ recencyDays: 0, frequency: 0, monetary: 0 });
  });
});
