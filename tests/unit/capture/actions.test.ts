// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Dexie from 'dexie';
import { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autoLogRuleMatches, logThread, outsidePeople, profileChanges, saveProfile } from '../../../capture/actions';
import { RapportDB, setDbForTesting } from '../../../storage/db';
import { counts, findContactByEmail, getTimeline } from '../../../storage/repositories';
import { Settings, isNeverCaptured, updateSettings } from '../../../storage/settings';
import { parseGmailThread } from '../../../sites/gmail/parse';
import { parseLinkedinPage } from '../../../sites/linkedin/parse';
import type { ThreadCapture } from '../../../capture/mail';
import type { LinkedinProfileCapture } from '../../../capture/linkedin';

const fixture = (p: string) => readFileSync(resolve('tests/fixtures', p), 'utf8');
const gmailUrl = 'https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601';
const thread = () =>
  parseGmailThread(new JSDOM(fixture('gmail/thread-3-messages-cc.html'), { url: gmailUrl }).window.document, gmailUrl) as ThreadCapture;
const defaults = () => Settings.parse({});

let db: RapportDB;
beforeEach(async () => {
  db = new RapportDB(`cap-${Math.random()}`);
  setDbForTesting(db);
});
afterEach(async () => {
  db.close();
  setDbForTesting(undefined);
  await Dexie.delete(db.name);
});

describe('mail capture actions', () => {
  it('lists only people outside the team, minus the never-capture list, with signature facts', () => {
    const people = outsidePeople(thread(), defaults());
    expect(people.map((p) => p.email).sort()).toEqual(['marco.rossi@globex.example.de', 'sabine.krueger@globex.example.de']);
    const marco = people.find((p) => p.email.startsWith('marco'))!;
    expect(marco.fromSignature.phones.every((p) => p.startsWith('+'))).toBe(true);
    const filtered = outsidePeople(thread(), Settings.parse({ neverCapture: ['globex.example.de'] }));
    expect(filtered).toEqual([]);
    expect(isNeverCaptured('a@sub.globex.example.de', Settings.parse({ neverCapture: ['globex.example.de'] }))).toBe(true);
  });

  it('logs every message once, linked to every outside person; logging again adds nothing', async () => {
    const first = await logThread(thread(), defaults());
    expect(first.added).toBe(3);
    expect(first.contacts).toHaveLength(2);
    const again = await logThread(thread(), defaults());
    expect(again.added).toBe(0);
    expect((await counts(db)).activities).toBe(3);
    const sabine = await findContactByEmail('sabine.krueger@globex.example.de');
    const tl = await getTimeline(sabine!.id);
    expect(tl).toHaveLength(3);
  });

  it('auto-log rules are off by default and match by domain or existing contact when on', async () => {
    expect(await autoLogRuleMatches(thread(), defaults())).toBe(false);
    expect(await autoLogRuleMatches(thread(), Settings.parse({ autoLog: { domains: ['example.de'] } }))).toBe(true);
    expect(await autoLogRuleMatches(thread(), Settings.parse({ autoLog: { existingContacts: true } }))).toBe(false);
    await logThread(thread(), defaults());
    expect(await autoLogRuleMatches(thread(), Settings.parse({ autoLog: { existingContacts: true } }))).toBe(true);
  });

  it('settings validate and persist', async () => {
    const s = await updateSettings({ internalDomains: ['  ACME.test '] });
    expect(s.internalDomains).toEqual(['acme.test']);
    expect(s.sites.gmail).toBe(true);
  });
});

describe('LinkedIn capture actions', () => {
  const url = 'https://www.linkedin.com/in/mateo-quintero-vale/';
  const html = fixture('linkedin/scoutr-loggedin-profile1-2024-07.html');
  const parse = (h: string) => parseLinkedinPage(new JSDOM(h, { url }).window.document, url) as LinkedinProfileCapture;

  it('saves, then offers the changed title as an update, and records each capture in the timeline', async () => {
    const saved = await saveProfile(parse(html), false);
    expect(saved.status).toBe('created');
    expect(profileChanges(saved.contact, parse(html))).toEqual([]);
    const moved = parse(html.replaceAll('Learning Programme Lead', 'Head of Learning'));
    const changes = profileChanges(saved.contact, moved);
    expect(changes.map((c) => [c.field, c.saved, c.page])).toContainEqual(['title', 'Learning Programme Lead', 'Head of Learning']);
    const updated = await saveProfile(moved, true);
    expect(updated.contact.id).toBe(saved.contact.id);
    expect(updated.contact.title).toBe('Head of Learning');
    const tl = await getTimeline(saved.contact.id);
    expect(tl.filter((i) => i.kind === 'activity' && i.activity.type === 'profile')).toHaveLength(2);
  });
});
