// Outlook's compose form (new mail, inline reply) → the recipients the sidebar shows cards for,
// read from the constructed fixtures (tests/fixtures/outlook/compose-*.html).
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { checkCaptureResult } from '../../../capture/check-result';
import { readOutlookCompose } from '../../../sites/outlook/compose';
import { parseOutlookPage } from '../../../sites/outlook/parse';

const DIR = new URL('../../fixtures/outlook/', import.meta.url);
const CONV_DE = 'AAQkADAwATM0MDAAMS1hYjE5LTkyZWMtMDACLTAwCgAQAFx7r0e+8kS3t1q9Wm4cQeE=';
const NEW_URL = 'https://outlook.office.com/mail/deeplink/compose';
const DE_URL = `https://outlook.office365.com/mail/inbox/id/${encodeURIComponent(CONV_DE)}`;
const load = (name: string, url: string) => new JSDOM(readFileSync(new URL(name, DIR), 'utf8'), { url }).window.document;

describe('Outlook compose', () => {
  it('a new mail: each recipient once, To before Cc, addresses from title, text or aria-label; nothing from the body or the message list', () => {
    const r = parseOutlookPage(load('compose-new-en.html', NEW_URL), NEW_URL);
    expect(checkCaptureResult('outlook', r)).toEqual(r); // what the receivers accept
    expect(r).toEqual({
      kind: 'compose',
      site: 'outlook',
      userEmail: 'olivia.park@acme.test',
      recipients: [
        { email: 'raj.patel@hooli.example.com', name: 'Raj Patel', field: 'to' },
        { email: 'emma.schultz@hooli.example.com', name: '', field: 'to' },
        { email: 'noah.fischer@initech.example', name: 'Noah Fischer', field: 'to' },
        { email: 'ben.okafor@acme.test', name: 'Ben Okafor', field: 'cc' },
      ],
    });
  });

  it('an inline reply in German wins over the conversation above it', () => {
    const r = parseOutlookPage(load('compose-reply-de.html', DE_URL), DE_URL);
    expect(r.kind).toBe('compose');
    expect(r.kind === 'compose' && r.recipients.map((x) => `${x.field}:${x.email}`)).toEqual([
      'to:lukas.braun@stadtwerke-nord.example.de',
      'to:k.schaefer@stadtwerke-nord.example.de',
      'cc:mia.hoffmann@acme.test',
    ]);
  });

  it('without a compose form, or with one that has no recipient yet or is hidden, the conversation is read', () => {
    expect(parseOutlookPage(load('thread-de.html', DE_URL), DE_URL).kind).toBe('thread');
    const empty = load('compose-reply-de.html', DE_URL);
    for (const pill of Array.from(empty.querySelectorAll('[role="textbox"] [data-lpc-hover-target]'))) pill.remove();
    expect(parseOutlookPage(empty, DE_URL).kind).toBe('thread');
    const hidden = load('compose-reply-de.html', DE_URL);
    hidden.querySelector('[role="region"][aria-label="Verfassen"]')!.setAttribute('style', 'display: none');
    expect(parseOutlookPage(hidden, DE_URL).kind).toBe('thread');
  });

  it('a page elsewhere is not read for recipients', () => {
    const url = 'https://example.com/mail/deeplink/compose';
    expect(parseOutlookPage(load('compose-new-en.html', url), url)).toMatchObject({ kind: 'not-capturable', reason: 'unsupported-page' });
  });

  it('a hostile well: thousands of pills and huge attributes are capped and read quickly', () => {
    const doc = load('compose-new-en.html', NEW_URL);
    const well = doc.querySelector('[role="textbox"][aria-label="To"]')!;
    const big = 'x'.repeat(1_000_000);
    let html = '';
    for (let i = 0; i < 5000; i++) html += `<span data-lpc-hover-target title="p${i}@spam.example">${i % 100 ? '' : big}</span>`;
    well.innerHTML = html;
    const t = performance.now();
    const r = readOutlookCompose(doc);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(r.length).toBe(500);
    expect(r[0]).toEqual({ email: 'p0@spam.example', name: 'x'.repeat(300), field: 'to' });
  });
});
