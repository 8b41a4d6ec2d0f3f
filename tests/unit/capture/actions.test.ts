// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Dexie from 'dexie';
import { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AUTO_LOG_MAX_PEOPLE,
  autoLogPlan,
  autoLogRuleMatches,
  logThread,
  outsidePeople,
  profileChanges,
  saveProfile,
} from '../../../capture/actions';
import type { MailAddress } from '../../../capture/mail';
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
    expect(await autoLogRuleMatches(thread(), defaults())).toBeUndefined();
    expect(await autoLogRuleMatches(thread(), Settings.parse({ autoLog: { domains: ['example.de'] } }))).toBeDefined();
    expect(await autoLogRuleMatches(thread(), Settings.parse({ autoLog: { existingContacts: true } }))).toBeUndefined();
    await logThread(thread(), defaults());
    expect(await autoLogRuleMatches(thread(), Settings.parse({ autoLog: { existingContacts: true } }))).toBeDefined();
  });

  it('settings validate and persist', async () => {
    const s = await updateSettings({ internalDomains: ['  ACME.test '] });
    expect(s.internalDomains).toEqual(['acme.test']);
    expect(s.sites.gmail).toBe(true);
  });
});

describe('auto-log rules cannot create contacts in bulk', () => {
  const user = 'me@acme.test';
  const addr = (email: string): MailAddress => ({ email, name: email.split('@')[0] });
  const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => addr(`${prefix}${i}@crowd.example`));
  let seq = 0;
  const message = (from: MailAddress, to: MailAddress[], cc: MailAddress[] = []) => ({
    messageId: `m${++seq}`,
    from,
    to,
    cc,
    date: new Date(Date.UTC(2026, 10, 1, 9, seq)).toISOString(),
    dateText: '',
    snippet: 'hello',
    bodyText: 'hello',
    quotedText: '',
    signature: '',
    links: [],
    direction: 'incoming' as 'incoming' | 'outgoing',
    collapsed: false,
  });
  const mailThread = (messages: ReturnType<typeof message>[], userEmail: string | null = user): ThreadCapture => ({
    kind: 'thread',
    site: 'gmail',
    threadId: `t${++seq}`,
    subject: 'Proposal',
    url: 'https://mail.google.com/mail/u/0/#inbox/x',
    ...(userEmail ? { userEmail } : {}),
    messages,
    participants: [],
  });
  const rule = Settings.parse({ autoLog: { domains: ['client.example'] } });

  it('saves the sender of mail to the user and the To recipients of mail from the user, never the Cc crowd', async () => {
    const t = mailThread([
      message(addr('ann@client.example'), [addr(user), ...many('to-of-ann', 5)], many('cc-of-ann', 40)),
      message(addr(user), [addr('ann@client.example'), addr('bob@client.example')], many('cc-of-me', 40)),
    ]);
    const plan = await autoLogRuleMatches(t, rule);
    expect(plan?.people.map((p) => p.email).sort()).toEqual(['ann@client.example', 'bob@client.example']);
    await logThread(t, rule, plan);
    expect((await counts(db)).contacts).toBe(2);
    // A click still saves everyone outside the team.
    expect(outsidePeople(t, rule)).toHaveLength(2 + 5 + 80);
  });

  it('a person only on Cc (or only a fellow recipient) does not trigger a rule', async () => {
    const t = mailThread([message(addr('news@elsewhere.example'), [addr(user)], [addr('carl@client.example')])]);
    expect(await autoLogRuleMatches(t, rule)).toBeUndefined();
  });

  it(`logs nothing by rule when more than ${AUTO_LOG_MAX_PEOPLE} people qualify, and says how many`, async () => {
    const crowd = Array.from({ length: AUTO_LOG_MAX_PEOPLE + 1 }, (_, i) => addr(`p${i}@client.example`));
    const t = mailThread([message(addr(user), crowd)]);
    expect(autoLogPlan(t, rule)).toEqual({ people: [], overCap: AUTO_LOG_MAX_PEOPLE + 1 });
    const plan = await autoLogRuleMatches(t, rule);
    expect(plan?.people).toEqual([]);
    const atCap = mailThread([message(addr(user), crowd.slice(0, AUTO_LOG_MAX_PEOPLE))]);
    expect(autoLogPlan(atCap, rule).people).toHaveLength(AUTO_LOG_MAX_PEOPLE);
  });

  it('without the user address, mail from the team counts as from the user and incoming mail as to the user', () => {
    const from = message(addr('ann@client.example'), many('to', 3), many('cc', 3));
    const mine = { ...message(addr('colleague@acme.test'), [addr('bob@client.example')], many('cc2', 3)), direction: 'outgoing' as const };
    const plan = autoLogPlan(mailThread([from, mine], null), Settings.parse({ internalDomains: ['acme.test'] }));
    expect(plan.people.map((p) => p.email).sort()).toEqual(['ann@client.example', 'bob@client.example']);
  });

  it('what a rule logged is marked as logged by a rule; what a click logged is not', async () => {
    const t = mailThread([message(addr('ann@client.example'), [addr(user)])]);
    await logThread(t, rule, await autoLogRuleMatches(t, rule));
    const byRule = await db.activities.toArray();
    expect(byRule.map((a) => a.sources[0].byRule)).toEqual([true]);
    const clicked = mailThread([message(addr('dan@client.example'), [addr(user)])]);
    await logThread(clicked, rule);
    const all = await db.activities.toArray();
    expect(all.filter((a) => a.sources[0].byRule)).toHaveLength(1);
  });

  it('a reply without a signature of its own gets nothing from the signature it quotes', async () => {
    const aliceSignature = 'Alice Example\nCEO | Example GmbH\nTel. +49 30 1234567\nlinkedin.com/in/alice-example';
    const alice = { ...message(addr('alice@client.example'), [addr(user)]), signature: aliceSignature };
    const quoted = `Am Mo., 2. Nov. 2026 um 09:41 Uhr schrieb Alice Example <alice@client.example>:\n> Hallo\n>\n> ${aliceSignature.replace(/\n/g, '\n> ')}`;
    const bobReply = {
      ...message(addr('bob@other.example'), [addr(user)]),
      bodyText: 'Agreed, see you then.',
      quotedText: `${quoted}\n\nFrom: Alice Example <alice@client.example>\n${aliceSignature}`,
      links: [],
    };
    // Alice's own message is in the thread, and when it is not (collapsed, or only quoted).
    for (const t of [mailThread([alice, bobReply]), mailThread([bobReply])]) {
      const bob = outsidePeople(t, defaults()).find((p) => p.email === 'bob@other.example')!;
      expect(bob.fromSignature).toEqual({ title: undefined, company: undefined, phones: [], linkedinUrl: undefined });
      await logThread(t, defaults());
      const saved = await findContactByEmail('bob@other.example');
      expect(saved).toMatchObject({ phones: [] });
      expect(saved?.title).toBeUndefined();
      expect(saved?.company).toBeUndefined();
      expect(saved?.linkedinUrl).toBeUndefined();
    }
    const aliceFacts = outsidePeople(mailThread([alice, bobReply]), defaults()).find((p) => p.email === 'alice@client.example')!;
    expect(aliceFacts.fromSignature).toMatchObject({ title: 'CEO', company: 'Example GmbH', phones: ['+49301234567'] });
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
