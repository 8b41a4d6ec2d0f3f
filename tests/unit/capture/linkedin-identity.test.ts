// One person per LinkedIn identity: leads and Recruiter candidates saved from the constructed
// fixture pages (tests/fixtures/linkedin/) merge by public profile or by LinkedIn URN (decision 0038).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Dexie from 'dexie';
import { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveProfile } from '../../../capture/actions';
import type { LinkedinLeadCapture, LinkedinProfileCapture } from '../../../capture/linkedin';
import { RapportDB, setDbForTesting } from '../../../storage/db';
import { findContactByLinkedinIds } from '../../../storage/queries';
import { counts, deleteAllData, normalizeContactInput, upsertContact } from '../../../storage/repositories';
import { exportParts } from '../../../storage/export';
import { restoreExport } from '../../../storage/restore';
import { validateExport } from '../../../importers/json';
import { MAX_LINKEDIN_URNS } from '../../../storage/schema';
import { withinBound } from '../hostile/helpers';
import { parseLinkedinPage } from '../../../sites/linkedin/parse';

const fixture = (p: string) => readFileSync(resolve('tests/fixtures', p), 'utf8');

let db: RapportDB;
beforeEach(async () => {
  db = new RapportDB(`li-identity-${Math.random()}`);
  setDbForTesting(db);
});
afterEach(async () => {
  db.close();
  setDbForTesting(undefined);
  await Dexie.delete(db.name);
});

describe('LinkedIn leads and candidates: one person per LinkedIn identity', () => {
  const page = (file: string, url: string) =>
    parseLinkedinPage(new JSDOM(fixture(`linkedin/${file}`), { url }).window.document, url) as LinkedinLeadCapture | LinkedinProfileCapture;
  const expected = JSON.parse(fixture('linkedin/expected.json')).fixtures as Record<string, { url: string }>;
  const parsed = (file: string) => page(file, expected[file].url);
  const people = async () => (await db.contacts.toArray()).map((c) => c.name).sort();

  it('a lead without a public profile saved twice is one person, found again by its ids', async () => {
    const lead = parsed('constructed-sales-lead-nolink-2026-12.html');
    expect(lead.profileUrl).toBeUndefined();
    const first = await saveProfile(lead, false);
    const again = await saveProfile(parsed('constructed-sales-lead-nolink-2026-12.html'), false);
    expect(again.contact.id).toBe(first.contact.id);
    expect(await people()).toEqual(['Ingrid Solberg']);
    expect((await findContactByLinkedinIds(undefined, lead.linkedinUrns))?.id).toBe(first.contact.id);
  });

  it('a lead, then the /in/ profile with the same member URN, is one person with the public profile added', async () => {
    const lead = await saveProfile(parsed('constructed-sales-lead-nolink-2026-12.html'), false);
    const profile = await saveProfile(parsed('constructed-2026-loggedin-profile-loaded.html'), false);
    expect(profile.contact.id).toBe(lead.contact.id);
    expect(profile.contact.linkedinId).toBe('ingrid-solberg-2026');
    expect(await people()).toEqual(['Ingrid Solberg']);
    expect(await counts()).toMatchObject({ contacts: 1 });
  });

  it('a Recruiter candidate with a public link merges with the /in/ capture of that profile', async () => {
    const candidate = parsed('constructed-recruiter-profile-2026-12.html');
    const inUrl = 'https://www.linkedin.com/in/solveig-aune-lindqvist/';
    const known = await saveProfile(
      {
        ...parsed('scoutr-loggedin-profile1-2024-07.html'),
        profileUrl: inUrl,
        publicId: 'solveig-aune-lindqvist',
      } as LinkedinProfileCapture,
      false,
    );
    const saved = await saveProfile(candidate, false);
    expect(saved.contact.id).toBe(known.contact.id);
    expect(saved.contact.linkedinUrns).toEqual(candidate.linkedinUrns);
    // The candidate page again, now found by its ids as well: still one person.
    expect((await saveProfile(candidate, false)).contact.id).toBe(known.contact.id);
    expect(await counts()).toMatchObject({ contacts: 1 });
  });

  it('two candidates with the same name but different ids are two people', async () => {
    const hire = parsed('constructed-recruiter-hire-2026-12.html') as LinkedinLeadCapture;
    const a = await saveProfile(hire, false);
    const namesake = {
      ...hire,
      linkedinUrns: ['urn:li:ts_profile:AEMAAAnotherAkselNygard1'],
      pageUrl: 'https://www.linkedin.com/talent/profile/AEMAAAnotherAkselNygard1',
    };
    const b = await saveProfile(namesake, false);
    expect(b.contact.id).not.toBe(a.contact.id);
    expect(b.status).toBe('created');
    expect(b.suggestions.map((s) => s.id)).toEqual([a.contact.id]);
    expect(await people()).toEqual(['Aksel Nygård', 'Aksel Nygård']);
  });
});

describe('stored LinkedIn URNs are bounded and normalized (inputs from imports and restores too)', () => {
  it('keeps at most MAX_LINKEDIN_URNS well-formed URNs, drops malformed and huge ones, in linear time', () => {
    const huge = 'x'.repeat(1_000_000);
    const input = [
      'urn:li:fs_miniProfile:ACoAASameMember01',
      'urn:li:fsd_profile:ACoAASameMember01',
      `urn:li:member:${huge}`,
      huge,
      'urn:li:constructor:abc',
      'urn:li:member:12ab',
      `urn:li:ts_profile:AEMAA${'B'.repeat(200)}`,
      ...Array.from({ length: 100_000 }, (_, i) => `urn:li:member:${i}`),
    ];
    const out = withinBound('normalizeContactInput', () =>
      normalizeContactInput({ name: 'Hostile Ids', linkedinUrns: input }),
    ).linkedinUrns!;
    expect(out[0]).toBe('urn:li:fsd_profile:ACoAASameMember01');
    expect(out).toHaveLength(MAX_LINKEDIN_URNS);
    expect(out.slice(1)).toEqual(Array.from({ length: MAX_LINKEDIN_URNS - 1 }, (_, i) => `urn:li:member:${i}`));
  });

  it('a person keeps the first URNs when more arrive than it keeps, and is still found by them', async () => {
    const src = { type: 'linkedin' as const, at: '2026-12-07T10:00:00.000Z' };
    const first = Array.from({ length: MAX_LINKEDIN_URNS }, (_, i) => `urn:li:member:${i + 1}`);
    const a = await upsertContact({ name: 'Many Ids', linkedinUrns: first }, src);
    const b = await upsertContact({ name: 'Many Ids', linkedinUrns: ['urn:li:member:1', 'urn:li:member:999'] }, src);
    expect(b.contact.id).toBe(a.contact.id);
    expect(b.contact.linkedinUrns).toEqual(first);
    expect(await counts()).toMatchObject({ contacts: 1 });
  });
});

describe('export and restore keep the LinkedIn URNs of a lead', () => {
  it('the export carries them; restored over the same lead captured again under another id, one person with both', async () => {
    const src = { type: 'linkedin' as const, at: '2026-12-07T10:00:00.000Z' };
    await upsertContact({ name: 'Lead Only', linkedinUrns: ['urn:li:fs_salesProfile:ACwAARestoreLead01'] }, src);
    let text = '';
    for await (const part of exportParts()) text += part;
    const file = validateExport(JSON.parse(text));
    expect(file.data!.contacts[0].linkedinUrns).toEqual(['urn:li:fs_salesProfile:ACwAARestoreLead01']);

    await deleteAllData();
    const again = await upsertContact(
      { name: 'Lead Only', linkedinUrns: ['urn:li:fs_salesProfile:ACwAARestoreLead01', 'urn:li:member:4242'] },
      src,
    );
    await restoreExport(file.data!);
    const people = await db.contacts.toArray();
    expect(people.map((c) => c.id)).toEqual([again.contact.id]);
    expect(people[0].linkedinUrns).toEqual(['urn:li:fs_salesProfile:ACwAARestoreLead01', 'urn:li:member:4242']);
  });
});
