// @vitest-environment jsdom
// Signature reading (title, company, phones …); the splitting itself: tests/unit/capture/quotes.test.ts, tests/unit/sites/mail-body.test.ts.
import { describe, expect, it } from 'vitest';
import { countryFromEmail, parseSignature, splitTitleCompany } from '../../../capture/signature';

describe('parseSignature', () => {
  it('"Title | Company", "Title at Company", "Title, Company", then company on the next line', () => {
    expect(splitTitleCompany('Head of Sales | Acme')).toEqual({ title: 'Head of Sales', company: 'Acme' });
    expect(splitTitleCompany('VP Sales at Umbrella Analytics')).toEqual({ title: 'VP Sales', company: 'Umbrella Analytics' });
    expect(splitTitleCompany('Account Executive, Acme Corp')).toEqual({ title: 'Account Executive', company: 'Acme Corp' });
    expect(splitTitleCompany('Head of Sales, EMEA')).toEqual({ title: 'Head of Sales, EMEA' });
    expect(splitTitleCompany('Partner, Globex', 'globex')).toEqual({ title: 'Partner', company: 'Globex' });
    expect(parseSignature('Jane Doe\nChief Revenue Officer\nGlobex Corporation\nM: +1 415 555 0100', { name: 'Jane Doe' })).toMatchObject({
      name: 'Jane Doe',
      title: 'Chief Revenue Officer',
      company: 'Globex Corporation',
    });
  });

  it('phones: E.164 with the region from a country TLD; raw when no region is known; fax set apart', () => {
    const de = parseSignature('Max Muster\nVertriebsleiter\nT: 030 1234567\nM: 0171 2345678\nFax: 030 1234568', {
      email: 'max@firma.example.de',
    });
    expect(de.phones).toEqual(['+49301234567', '+491712345678']);
    expect(de.phoneDetails.map((p) => p.kind)).toEqual(['work', 'mobile', 'fax']);
    const fr = parseSignature('Claire Martin\nDirectrice commerciale\nTél. : 01 42 68 53 01\nPortable : 06 12 34 56 78', {
      email: 'claire@societe.example.fr',
    });
    expect(fr.phones).toEqual(['+33142685301', '+33612345678']);
    const us = parseSignature('Bob Smith\nSales Engineer\nPhone: (415) 555-0100', { email: 'bob@example.com' });
    expect(us.phones).toEqual(['(415) 555-0100']);
    expect(us.phoneDetails[0].e164).toBeUndefined();
    expect(parseSignature('Bob Smith\nPhone: (415) 555-0100', { email: 'bob@example.com', defaultCountry: 'US' }).phones).toEqual([
      '+14155550100',
    ]);
    // Dates, postcodes and years are not phone numbers.
    expect(parseSignature('Jane Doe\nFriedrichstraße 123, 10117 Berlin\nSince 2019', { email: 'j@firma.example.de' }).phones).toEqual([]);
  });

  it('LinkedIn from text or from the links, website, emails', () => {
    const a = parseSignature('Jane Doe\nCEO\nlinkedin.com/in/Jane-Doe-42?trk=sig\nwww.acme.test\njane.doe@acme.test', {
      email: 'jane.doe@acme.test',
    });
    expect(a).toMatchObject({
      linkedinUrl: 'https://www.linkedin.com/in/jane-doe-42/',
      linkedinId: 'jane-doe-42',
      website: 'https://www.acme.test',
      emails: ['jane.doe@acme.test'],
      title: 'CEO',
    });
    const b = parseSignature('Jane Doe\nCEO | Acme\nLinkedIn', {
      email: 'jane@acme.test',
      links: ['https://twitter.com/acme', 'https://de.linkedin.com/in/jane-doe/', 'https://www.acme.test/about'],
    });
    expect(b.linkedinUrl).toBe('https://www.linkedin.com/in/jane-doe/');
    expect(b.website).toBe('https://www.acme.test/about');
  });

  it('never throws on odd input', () => {
    expect(parseSignature('')).toEqual({ phones: [], phoneDetails: [], emails: [] });
    expect(() => parseSignature('|||\n---\n+\n(\n<img src=x onerror=alert(1)>')).not.toThrow();
  });

  it('default region from the sender address', () => {
    expect(countryFromEmail('a@firma.example.de')).toBe('DE');
    expect(countryFromEmail('a@initech.example.co.uk')).toBe('GB');
    expect(countryFromEmail('a@example.jp')).toBe('JP');
    expect(countryFromEmail('a@example.com')).toBeUndefined();
    expect(countryFromEmail('a@startup.io')).toBeUndefined();
    expect(countryFromEmail('a@acme.test')).toBeUndefined();
    expect(countryFromEmail('a@example.eu')).toBeUndefined();
    expect(countryFromEmail('not an address')).toBeUndefined();
  });
});
