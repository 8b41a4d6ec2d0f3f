// Outlook-on-the-web reading-pane parser against the constructed fixture pages
// (tests/fixtures/outlook/): English and German labels, structure-first matching, XSS as text.
import { readFileSync, readdirSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import type { NotCapturable, ThreadCapture } from '../../../capture/mail';
import { checkCaptureResult } from '../../../capture/check-result';
import { queryFirst, type SelectorSpec } from '../../../sites/common/selector-spec';
import { parseSignature } from '../../../capture/signature';
import { refineThreadCapture } from '../../../capture/refine';
import { outlookUserEmail, parseOutlookThread, threadIdFromOutlookUrl } from '../../../sites/outlook/parse';
import { S, outlookMayShowSidebar } from '../../../sites/outlook/selectors';

const DIR = new URL('../../fixtures/outlook/', import.meta.url);
// Constructed from DOM-NOTES.md's hooks (compose pages also from public add-ons' hooks), dated, never a capture.
const HEADER =
  /^<!-- Constructed 2026-1[12] from the hooks in DOM-NOTES\.md[^\n]*\(no real Gmail\/Outlook page is public\); not a capture\.$/m;
const CONV_EN = 'AAQkADAwATM0MDAAMS1hYjE5LTkyZWMtMDACLTAwCgAQAK4v2xHL/UmOcP0mXwz7FvU=';
const urlFor = (id: string, host = 'outlook.office.com') => `https://${host}/mail/inbox/id/${encodeURIComponent(id)}`;

function load(name: string, url = urlFor(CONV_EN)): Document {
  return new JSDOM(readFileSync(new URL(name, DIR), 'utf8'), { url }).window.document;
}
function thread(name: string, url = urlFor(CONV_EN)): ThreadCapture {
  const r = parseOutlookThread(load(name, url), url);
  if (r.kind !== 'thread') throw new Error(`expected a thread, got ${JSON.stringify(r)}`);
  // As the extension side holds it: the page's markers, then the text rules (capture/refine.ts).
  return refineThreadCapture(r);
}
const local = (y: number, mo: number, d: number, h: number, mi: number) => new Date(y, mo - 1, d, h, mi).toISOString();

describe('fixture pages', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.html'));

  it('are complete documents with the construction header', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const html = readFileSync(new URL(f, DIR), 'utf8');
      expect(html.startsWith('<!DOCTYPE html>'), f).toBe(true);
      expect(html, f).toMatch(HEADER);
      expect(load(f).querySelector('[role="main"]'), f).not.toBeNull();
    }
  });

  it('every result passes the receivers’ check unchanged', () => {
    for (const f of files) {
      const url = urlFor(CONV_EN);
      const result = parseOutlookThread(load(f, url), url);
      expect(checkCaptureResult('outlook', result), f).toEqual(result);
    }
  });

  it('every selector spec matches in each page it names', () => {
    const docs = new Map(files.map((f) => [f, load(f)]));
    for (const spec of Object.values(S) as SelectorSpec[]) {
      for (const page of spec.seenIn) expect(queryFirst(docs.get(page)!, spec), `${spec.name} in ${page}`).not.toBeNull();
    }
  });
});

describe('parseOutlookThread: English', () => {
  const t = thread('thread-en.html');

  it('reads conversation id (URL, decoded), subject and mailbox', () => {
    expect(t.site).toBe('outlook');
    expect(t.threadId).toBe(CONV_EN);
    expect(t.subject).toBe('Security review – Hooli onboarding');
    expect(t.userEmail).toBe('olivia.park@acme.test');
    expect(t.messages).toHaveLength(3);
  });

  it('reads the sender from the label, the inner text or a title', () => {
    expect(t.messages.map((m) => m.from)).toEqual([
      { email: 'raj.patel@hooli.example.com', name: 'Raj Patel' }, // address in a title
      { email: 'olivia.park@acme.test', name: 'Olivia Park' }, // address in the aria-label
      { email: 'emma.schultz@hooli.example.com', name: 'Emma Schultz' }, // title on the labelled span
    ]);
  });

  it('reads To/Cc wells separated by ";", filling name-only entries from the thread', () => {
    const [, m2, m3] = t.messages;
    expect(m2.to).toEqual([
      { email: 'raj.patel@hooli.example.com', name: 'Raj Patel' },
      { email: 'emma.schultz@hooli.example.com', name: 'Emma Schultz' },
    ]);
    expect(m2.cc).toEqual([{ email: 'ben.okafor@acme.test', name: 'Ben Okafor' }]);
    expect(m3.to.map((a) => a.email)).toEqual(['olivia.park@acme.test']);
    expect(m3.cc.map((a) => a.email)).toEqual(['raj.patel@hooli.example.com', 'ben.okafor@acme.test']);
  });

  it('collapsed message: sender, date and preview only', () => {
    const [m1] = t.messages;
    expect(m1).toMatchObject({
      collapsed: true,
      to: [],
      bodyText: '',
      snippet: 'Hi Olivia, before we sign we need your SOC 2 report and a completed security questionnaire. Emma leads this on our side.',
    });
  });

  it('dates (en-US, month first), stable message ids, direction, participants', () => {
    expect(t.messages.map((m) => m.date)).toEqual([local(2026, 11, 2, 15, 12), local(2026, 11, 3, 9, 15), local(2026, 11, 3, 16, 48)]);
    expect(t.messages.map((m) => m.dateText)).toEqual(['Mon 11/2/2026 3:12 PM', 'Tue 11/3/2026 9:15 AM', 'Tue 11/3/2026 4:48 PM']);
    const ids = t.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => /^outlook-[0-9a-f]{8}$/.test(id))).toBe(true);
    expect(thread('thread-en.html').messages.map((m) => m.messageId)).toEqual(ids);
    expect(t.messages.map((m) => m.direction)).toEqual(['incoming', 'outgoing', 'incoming']);
    expect(t.participants).toEqual([
      { email: 'raj.patel@hooli.example.com', name: 'Raj Patel', isUser: false, isInternal: false, roles: ['from', 'to', 'cc'] },
      { email: 'olivia.park@acme.test', name: 'Olivia Park', isUser: true, isInternal: true, roles: ['from', 'to'] },
      { email: 'emma.schultz@hooli.example.com', name: 'Emma Schultz', isUser: false, isInternal: false, roles: ['to', 'from'] },
      { email: 'ben.okafor@acme.test', name: 'Ben Okafor', isUser: false, isInternal: true, roles: ['cc'] },
    ]);
  });

  it('HTML reply: #x_Signature and #x_divRplyFwdMsg (quoted text follows the header as siblings)', () => {
    const m2 = t.messages[1];
    expect(m2.bodyText).toBe(
      'Hi Raj, hi Emma,\n\nour SOC 2 Type II report and the completed questionnaire are attached. Ben (cc) can walk you through our SSO setup on Thursday.\n\nBest,\nOlivia',
    );
    expect(m2.signature).toBe(
      'Olivia Park\nEnterprise Account Manager | Acme Corp\nMobile: +1 (628) 555-0116\nlinkedin.com/in/olivia-park-acme',
    );
    expect(m2.quotedText.split('\n')[0]).toBe('From: Raj Patel <raj.patel@hooli.example.com>');
    expect(m2.quotedText).toContain('Emma leads this on our side.');
  });

  it('plain-text reply: sign-off signature and "From:/Sent:" quote; signature fields', () => {
    const m3 = t.messages[2];
    expect(m3.bodyText.endsWith('do you support SCIM provisioning for Okta?\n\nThanks,')).toBe(true);
    expect(m3.quotedText.startsWith('________________________________\nFrom: Olivia Park <olivia.park@acme.test>\nSent: Tuesday')).toBe(
      true,
    );
    const sig = parseSignature(m3.signature, { name: m3.from.name, email: m3.from.email, links: m3.links });
    expect(sig).toMatchObject({
      name: 'Emma Schultz',
      title: 'Senior Security Engineer',
      company: 'Hooli Inc.',
      // "(650) 555-0142" has no country code and .com gives no region: the +1 number beside it does.
      phones: ['+16505550142', '+16505550199'],
      linkedinUrl: 'https://www.linkedin.com/in/emma-schultz-sec/',
    });
    expect(sig.phoneDetails.map((p) => p.kind)).toEqual(['work', 'mobile']);
  });

  it('conversation id from the selected list item when the URL has none', () => {
    const doc = load('thread-en.html', 'https://outlook.office.com/mail/inbox');
    const r = parseOutlookThread(doc, 'https://outlook.office.com/mail/inbox') as ThreadCapture;
    expect(r.threadId).toBe(CONV_EN);
  });

  it('matches by structure when labels are unknown (another language)', () => {
    const doc = load('thread-en.html');
    for (const el of Array.from(doc.querySelectorAll('[aria-label="Email message"], [aria-label="Message body"]')))
      el.setAttribute('aria-label', 'Message électronique');
    const r = parseOutlookThread(doc, doc.location.href) as ThreadCapture;
    // The collapsed item has no structural hook: only the two expanded messages remain.
    expect(r.messages.map((m) => m.from.email)).toEqual(['olivia.park@acme.test', 'emma.schultz@hooli.example.com']);
    expect(r.messages[0].bodyText.startsWith('Hi Raj, hi Emma,')).toBe(true);
  });

  it('matches by label when the structural hooks are gone', () => {
    const doc = load('thread-en.html');
    for (const el of Array.from(doc.querySelectorAll('.aVla3, .OZZZK'))) el.removeAttribute('class');
    for (const el of Array.from(doc.querySelectorAll('[id^="UniqueMessageBody"]'))) el.removeAttribute('id');
    for (const el of Array.from(doc.querySelectorAll('.allowTextSelection'))) el.classList.remove('allowTextSelection');
    const r = refineThreadCapture(parseOutlookThread(doc, doc.location.href) as ThreadCapture);
    expect(r.kind).toBe('thread');
    expect(r.messages.map((m) => m.from.email)).toEqual(t.messages.map((m) => m.from.email));
    expect(r.messages.map((m) => m.bodyText)).toEqual(t.messages.map((m) => m.bodyText));
  });
});

describe('parseOutlookThread: German', () => {
  const t = thread('thread-de.html', urlFor('AAQkADAwATM0MDAAMS1hYjE5LTkyZWMtMDACLTAwCgAQAFx7r0e+8kS3t1q9Wm4cQeE='));

  it('reads German labels (Von:, An:, Cc:, E-Mail-Nachricht, Nachrichtentext) and day-first dates', () => {
    expect(t.subject).toBe('Angebot Nr. 2026-114 – Rahmenvertrag Stadtwerke Nord');
    expect(t.userEmail).toBe('jonas.weber@acme.test');
    expect(t.messages.map((m) => m.from.email)).toEqual([
      'k.schaefer@stadtwerke-nord.example.de',
      'jonas.weber@acme.test', // found through aria-label="E-Mail-Nachricht" and "Von: …" only
      'mia.hoffmann@acme.test',
    ]);
    expect(t.messages[1].to).toEqual([{ email: 'k.schaefer@stadtwerke-nord.example.de', name: 'Katrin Schäfer' }]);
    expect(t.messages[1].cc.map((a) => a.email)).toEqual(['lukas.braun@stadtwerke-nord.example.de', 'mia.hoffmann@acme.test']);
    expect(t.messages[0].cc).toEqual([{ email: 'lukas.braun@stadtwerke-nord.example.de', name: 'Lukas Braun' }]);
    expect(t.messages.map((m) => m.date)).toEqual([local(2026, 11, 2, 10, 14), local(2026, 11, 2, 16, 40), local(2026, 11, 3, 11, 2)]);
    expect(t.messages.map((m) => m.direction)).toEqual(['incoming', 'outgoing', 'internal']);
  });

  it('German quote header ("Von: … Gesendet: …") and sign-offs', () => {
    const [m1, m2, m3] = t.messages;
    expect(m1.bodyText.endsWith('Mit freundlichen Grüßen')).toBe(true);
    expect(m2.bodyText.endsWith('Viele Grüße')).toBe(true);
    expect(m2.quotedText.split('\n').slice(0, 2)).toEqual([
      'Von: Katrin Schäfer <k.schaefer@stadtwerke-nord.example.de>',
      'Gesendet: Montag, 2. November 2026 10:14',
    ]);
    expect(m3.signature).toBe('Mia');
  });

  it('signature fields with German numbers in E.164', () => {
    const m1 = t.messages[0];
    expect(parseSignature(m1.signature, { name: m1.from.name, email: m1.from.email })).toMatchObject({
      name: 'Katrin Schäfer',
      title: 'Leiterin Einkauf',
      company: 'Stadtwerke Nord GmbH',
      phones: ['+494012345678', '+491719876543'],
      website: 'https://www.stadtwerke-nord.example.de',
      linkedinUrl: 'https://www.linkedin.com/in/katrin-schaefer-swn/',
    });
    const m2 = t.messages[1];
    expect(parseSignature(m2.signature, { name: m2.from.name, email: m2.from.email })).toMatchObject({
      title: 'Senior Account Manager DACH',
      company: 'Acme Corp',
      phones: ['+49309018200'],
    });
  });
});

describe('parseOutlookThread: markup as text, non-ASCII names', () => {
  it('keeps markup literally, drops javascript: links, creates no element', () => {
    const doc = load('thread-xss-nonascii.html');
    const before = doc.querySelectorAll('*').length;
    const t = refineThreadCapture(parseOutlookThread(doc, doc.location.href) as ThreadCapture);
    expect(t.subject).toBe("<script>alert('subject')</script> Überweisung – 请确认");
    expect(t.messages[0].from).toEqual({ email: 'attacker@evil.example', name: '<img src=x onerror=alert(1)>' });
    expect(t.messages[0].cc).toEqual([{ email: 'cc@evil.example', name: '"><svg onload=alert(2)>' }]);
    expect(t.messages[0].bodyText).toContain('<a href="javascript:alert(3)">confirm</a>');
    expect(t.messages[0].links).toEqual([]);
    expect(t.messages[0].to.map((a) => a.name)).toEqual(['Olivia Park', 'Zoë Ørsted', '李小龙']);
    expect(t.messages.map((m) => m.date)).toEqual([local(2026, 11, 4, 14, 3), local(2026, 11, 4, 15, 20)]); // en-GB: day first
    expect(doc.querySelectorAll('*').length).toBe(before);
    expect(doc.querySelectorAll('img, svg, script').length).toBe(0);
    const li = t.messages[1];
    expect(li.bodyText.endsWith('谢谢')).toBe(true);
    expect(parseSignature(li.signature, { name: li.from.name, email: li.from.email })).toMatchObject({
      name: '李小龙',
      title: '采购经理',
      company: '华东贸易有限公司',
      phones: ['+862155550123'],
    });
  });
});

describe('parseOutlookThread: not capturable', () => {
  it('empty inbox, nothing selected — even at a conversation URL', () => {
    const r = parseOutlookThread(load('inbox-empty.html'), urlFor(CONV_EN)) as NotCapturable;
    expect(r).toMatchObject({ kind: 'not-capturable', site: 'outlook', reason: 'no-thread' });
    expect(parseOutlookThread(load('inbox-empty.html'), 'https://outlook.office.com/mail/')).toMatchObject({ reason: 'no-thread' });
  });

  it('only Outlook hosts', () => {
    for (const host of ['outlook.office.com', 'outlook.office365.com', 'outlook.live.com']) {
      expect(parseOutlookThread(load('thread-en.html'), urlFor(CONV_EN, host)).kind, host).toBe('thread');
    }
    expect(parseOutlookThread(load('thread-en.html'), 'https://mail.example.com/mail/inbox/id/x')).toMatchObject({
      reason: 'unsupported-page',
    });
  });

  it('a required element missing: named error', () => {
    const doc = load('thread-en.html');
    for (const el of Array.from(doc.querySelectorAll('[aria-label^="From:"]'))) el.removeAttribute('aria-label');
    const r = parseOutlookThread(doc, doc.location.href) as NotCapturable;
    expect(r).toMatchObject({ reason: 'missing-field', field: 'sender' });
    expect(r.detail).toContain('span[aria-label] > span.OZZZK');

    const doc2 = load('thread-en.html');
    doc2.querySelector('[role="heading"]')!.remove();
    expect(parseOutlookThread(doc2, doc2.location.href)).toMatchObject({ reason: 'missing-field', field: 'subject' });
  });
});

describe('Outlook page helpers', () => {
  it('conversation id from the URL', () => {
    expect(threadIdFromOutlookUrl('https://outlook.office.com/mail/inbox/id/AAQk%2FabC%3D')).toBe('AAQk/abC=');
    expect(threadIdFromOutlookUrl('https://outlook.office.com/mail/id/AAQkX')).toBe('AAQkX');
    expect(threadIdFromOutlookUrl('https://outlook.office.com/mail/0/sentitems/id/AAQkY')).toBe('AAQkY');
    expect(threadIdFromOutlookUrl('https://outlook.live.com/mail/0/inbox/id/AAQkZ')).toBe('AAQkZ');
    expect(threadIdFromOutlookUrl('https://outlook.office.com/mail/deeplink/read/AAMkR?ItemID=x')).toBe('AAMkR');
    expect(threadIdFromOutlookUrl('https://outlook.office.com/mail/inbox')).toBeUndefined();
  });

  it('mailbox from primaryMailboxRoot_: title, data-folder-name or id', () => {
    const doc = load('thread-en.html');
    expect(outlookUserEmail(doc)).toBe('olivia.park@acme.test');
    const root = doc.querySelector('[id^="primaryMailboxRoot_"]')!;
    root.removeAttribute('title');
    root.removeAttribute('data-folder-name');
    expect(outlookUserEmail(doc)).toBe('olivia.park@acme.test');
  });
});

describe('URL gate', () => {
  it('lets mail pages through on every Outlook host and keeps the script idle elsewhere', () => {
    for (const host of ['outlook.office.com', 'outlook.office365.com', 'outlook.live.com']) {
      expect(outlookMayShowSidebar(urlFor(CONV_EN, host))).toBe(true);
      expect(outlookMayShowSidebar(`https://${host}/mail/`)).toBe(true);
      expect(outlookMayShowSidebar(`https://${host}/mail/0/deeplink/read/AAMk`)).toBe(true);
      expect(outlookMayShowSidebar(`https://${host}/owa/?path=/mail/inbox`)).toBe(true);
      for (const other of ['/calendar/view/month', '/people/', '/files/', '/tasks/', '/mailbox-settings', '/']) {
        expect(outlookMayShowSidebar(`https://${host}${other}`)).toBe(false);
      }
    }
    expect(outlookMayShowSidebar('not a url')).toBe(false);
  });

  it('every fixture thread, at its mail URL, passes the gate and is captured', () => {
    const url = urlFor(CONV_EN);
    expect(outlookMayShowSidebar(url)).toBe(true);
    for (const name of ['thread-en.html', 'thread-de.html']) expect(parseOutlookThread(load(name, url), url).kind).toBe('thread');
  });
});
