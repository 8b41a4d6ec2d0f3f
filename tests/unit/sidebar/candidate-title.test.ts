import { describe, expect, it } from 'vitest';
import { candidateTitle, roleOf } from '../../../entrypoints/sidebar/candidate-title';

describe('a candidate title from a LinkedIn profile', () => {
  it('takes the role the headline names, before the employer or the next tagline', () => {
    expect(candidateTitle('Mateo Quintero Vale', 'Learning Programme Lead, Web Mentor & UI Developer at Brightwell Academy')).toBe(
      'Mateo Quintero Vale — Learning Programme Lead, Web Mentor & UI Developer',
    );
    expect(roleOf('Certified Delivery Lead @ Fjordbank | Workflow Platform Architect')).toBe('Certified Delivery Lead');
    expect(roleOf('Head of Partnerships | Speaker')).toBe('Head of Partnerships');
  });

  it('falls back to the current title, then to the name alone', () => {
    expect(candidateTitle('Karim Adler', undefined, 'Co-Founder')).toBe('Karim Adler — Co-Founder');
    expect(candidateTitle('Karim Adler', '  ', undefined)).toBe('Karim Adler');
  });

  it('keeps a long headline bounded', () => {
    const role = roleOf('x'.repeat(100_000));
    expect(role!.length).toBeLessThanOrEqual(120);
  });
});
