// Attendees typed into the meeting form: names, addresses and "Name <address>" entries, bounded.
import { describe, expect, it } from 'vitest';
import { parseAttendees } from '../../../components/InteractionForm';

describe('parseAttendees', () => {
  it('reads names, addresses and "Name <address>", separated by commas, semicolons or lines', () => {
    expect(parseAttendees('Lena Vogt <lena@globex.example>, tom@x.example; Carla\n  ')).toEqual([
      { name: 'Lena Vogt', email: 'lena@globex.example' },
      { email: 'tom@x.example' },
      { name: 'Carla' },
    ]);
  });
  it('keeps at most 100 entries of bounded length, in linear time on hostile input', () => {
    const many = Array.from({ length: 500 }, (_, i) => `p${i}`).join(',');
    expect(parseAttendees(many)).toHaveLength(100);
    const hostile = '<'.repeat(200_000);
    const t = performance.now();
    const out = parseAttendees(hostile);
    expect(performance.now() - t).toBeLessThan(200);
    expect(out).toHaveLength(1);
    expect(out[0].name!.length).toBeLessThanOrEqual(300);
  });
});
