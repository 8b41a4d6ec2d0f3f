// The browser context menu's "Save to Rapport": mailto links, LinkedIn profile links, selections.
import { describe, expect, it } from 'vitest';
import { contextSaveInput, nameFromPublicId } from '../../../capture/context-save';

describe('Save to Rapport from the context menu', () => {
  it('a mailto link: the first address, its display name when the link has one, no query', () => {
    expect(contextSaveInput({ linkUrl: 'mailto:Jane.Doe@Acme.example?subject=Hi%20there' })).toEqual({
      kind: 'email',
      input: { emails: ['jane.doe@acme.example'] },
    });
    expect(contextSaveInput({ linkUrl: 'mailto:%22Doe%2C%20Jane%22%20%3Cjane%40acme.example%3E,bob@acme.example' })).toEqual({
      kind: 'email',
      input: { emails: ['jane@acme.example'], name: 'Doe, Jane' },
    });
    expect(contextSaveInput({ linkUrl: 'mailto:?subject=nobody' })).toMatchObject({ kind: 'none' });
  });

  it('a LinkedIn profile link on any LinkedIn host: the canonical URL and a name from the public id', () => {
    expect(contextSaveInput({ linkUrl: 'https://de.linkedin.com/in/jane-doe-4b2a1c7?trk=public' })).toEqual({
      kind: 'linkedin',
      input: { linkedinUrl: 'https://www.linkedin.com/in/jane-doe-4b2a1c7/', name: 'Jane Doe' },
    });
    expect(nameFromPublicId('ACoAAB1x2y3')).toBeUndefined();
    expect(contextSaveInput({ linkUrl: 'https://www.linkedin.com/in/ACoAAB1x2y3' })).toMatchObject({
      kind: 'linkedin',
      input: { name: 'acoaab1x2y3' },
    });
    expect(contextSaveInput({ linkUrl: 'https://evil.example/linkedin.com/in/jane' })).toMatchObject({ kind: 'none' });
  });

  it('a selection: the address in it, with the name before it', () => {
    expect(contextSaveInput({ selectionText: 'Write to Jürgen Müller <j.mueller@bau.example> today' })).toEqual({
      kind: 'email',
      input: { emails: ['j.mueller@bau.example'], name: 'Write to Jürgen Müller' },
    });
    expect(contextSaveInput({ selectionText: '  ann@lee.example ' })).toEqual({ kind: 'email', input: { emails: ['ann@lee.example'] } });
    expect(contextSaveInput({ selectionText: 'no address here' })).toEqual({
      kind: 'none',
      reason: 'the selection holds no e-mail address',
    });
  });

  it('huge input is read only as far as an address can be', () => {
    const t = performance.now();
    expect(contextSaveInput({ selectionText: `${'a@'.repeat(500_000)}x` })).toMatchObject({ kind: expect.any(String) });
    expect(contextSaveInput({ linkUrl: `mailto:${'%'.repeat(1_000_000)}` })).toMatchObject({ kind: 'none' });
    expect(performance.now() - t).toBeLessThan(500);
  });
});
