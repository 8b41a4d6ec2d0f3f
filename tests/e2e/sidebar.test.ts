// The sidebar in real pages: Gmail and Outlook threads and LinkedIn profiles served under their
// real hostnames; save, log, note, follow-up, reload, then find it all from the popup.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageCapture } from '../../messaging/protocol';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { type FixtureServer, startFixtureServer } from './harness/server';
import { sidebarFrame } from './harness/sidebar';

// LinkedIn serves its pages in standards mode; the scoutr fixtures lost their doctype upstream. In
// quirks mode <html>'s clientWidth is its own (docked, narrowed) width, and puppeteer then finds no
// clickable point in the sidebar beside it.
const fixture = (p: string) =>
  (p.startsWith('linkedin/') ? '<!doctype html>\n' : '') + readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
const GMAIL_THREAD = fixture('gmail/thread-3-messages-cc.html');
const GMAIL_XSS = fixture('gmail/thread-xss.html');
const OUTLOOK_THREAD = fixture('outlook/thread-en.html');
const OUTLOOK_DE = fixture('outlook/thread-de.html');
const OUTLOOK_DE_REPLY = fixture('outlook/compose-reply-de.html');
const CONV_DE = 'AAQkADAwATM0MDAAMS1hYjE5LTkyZWMtMDACLTAwCgAQAFx7r0e+8kS3t1q9Wm4cQeE=';
const PROFILE = fixture('linkedin/scoutr-loggedin-profile1-2024-07.html');
const NOT_FOUND = fixture('linkedin/scoutr-guest-private-profile-2024-06.html');
const CONV_EN = 'AAQkADAwATM0MDAAMS1hYjE5LTkyZWMtMDACLTAwCgAQAK4v2xHL/UmOcP0mXwz7FvU=';

async function popupSearch(ext: ExtensionHandle, q: string) {
  const popup = await ext.openPopup();
  await popup.type('[data-testid="search-input"]', q);
  await popup.waitForFunction((qq) => document.querySelector('[data-testid="search-results"]')?.getAttribute('data-query') === qq, {}, q);
  const rows = await popup.$$eval('[data-testid="search-result"]', (els) =>
    els.map((e) => ({ kind: e.getAttribute('data-kind'), text: (e as HTMLElement).innerText })),
  );
  await popup.close();
  return rows;
}

const card = (email: string) => `[data-testid="sidebar-contact"][data-email="${email}"]`;

describe('sidebar in Gmail, Outlook and LinkedIn', () => {
  let server: FixtureServer;
  let ext: ExtensionHandle;

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('mail.google.com', '/mail/u/0/', { html: GMAIL_THREAD });
    server.route('mail.google.com', '/mail/u/1/', { html: GMAIL_XSS });
    server.route('outlook.office.com', '/mail/', { html: OUTLOOK_THREAD });
    server.route('www.linkedin.com', '/in/quinnmissing404/', { html: NOT_FOUND });
    server.route('www.linkedin.com', '/feed/', { html: '<!doctype html><title>Feed | LinkedIn</title><main>feed</main>' });
    ext = await launchWithExtension({ hostMap: server.port });
  });
  afterAll(async () => {
    await ext?.close();
    await server?.close();
  });

  it('Gmail: shows outside people, saves one, logs the thread, adds a note and a follow-up; all there after reload', async () => {
    const page = await ext.openPage('https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601');
    let frame = await sidebarFrame(page);
    const emails = await frame.$$eval('[data-testid="sidebar-contact"]', (els) => els.map((e) => e.getAttribute('data-email')));
    expect(emails.sort()).toEqual(['marco.rossi@globex.example.de', 'sabine.krueger@globex.example.de']);

    await frame.click(`${card('marco.rossi@globex.example.de')} [data-testid="save-contact"]`);
    await frame.waitForSelector(`${card('marco.rossi@globex.example.de')} [data-testid="contact-saved"]`);
    await frame.waitForSelector(`${card('marco.rossi@globex.example.de')}[data-known="true"] [data-testid="contact-detail"]`);

    await frame.click('[data-testid="log-thread"]');
    const logged = await frame.waitForSelector('[data-testid="thread-logged"]');
    expect(await logged!.evaluate((e) => e.textContent)).toMatch(/Logged 3 messages to 2 contacts/);
    // Logging again adds nothing.
    await frame.click('[data-testid="log-thread"]');
    await frame.waitForFunction(() => document.querySelector('[data-testid="thread-logged"]')?.textContent?.includes('Already logged'));

    const marco = card('marco.rossi@globex.example.de');
    await frame.click(`${marco} [data-testid="add-note"]`);
    await frame.type(`${marco} [data-testid="note-input"]`, 'Wants 40 seats <b>not bold</b>');
    await frame.click(`${marco} [data-testid="note-save"]`);
    await frame.waitForFunction(
      (sel) =>
        [...document.querySelectorAll(`${sel} [data-testid="timeline-item"]`)].some((e) => e.textContent?.includes('Wants 40 seats')),
      {},
      marco,
    );
    await frame.click(`${marco} [data-testid="follow-up"]`);
    await frame.click(`${marco} [data-testid="follow-up-save"]`);
    await frame.waitForFunction(
      (sel) => [...document.querySelectorAll(`${sel} [data-testid="timeline-item"]`)].some((e) => e.getAttribute('data-type') === 'task'),
      {},
      marco,
    );

    await page.reload();
    frame = await sidebarFrame(page);
    await frame.waitForSelector(`${marco}[data-known="true"]`);
    const items = await frame.$$eval(`${marco} [data-testid="timeline-item"]`, (els) => els.map((e) => (e as HTMLElement).innerText));
    expect(items.filter((t) => /^email/i.test(t))).toHaveLength(3);
    expect(items.join('\n')).toContain('Wants 40 seats <b>not bold</b>');
    expect(items.some((t) => /^follow-up/i.test(t))).toBe(true);
    expect(await frame.$(`${marco} [data-testid="timeline-item"] b`)).toBeNull();

    const found = await popupSearch(ext, 'marco ross');
    expect(found.find((r) => r.kind === 'contact')?.text).toContain('Marco Rossi');
    const subjects = await popupSearch(ext, 'renewal globex');

    expect(subjects.filter((r) => r.kind === 'activity')).toHaveLength(3);
    await page.close();
  });

  it('Outlook: same capture from the reading pane', async () => {
    const page = await ext.openPage(`https://outlook.office.com/mail/inbox/id/${encodeURIComponent(CONV_EN)}`);
    const frame = await sidebarFrame(page);
    const emails = await frame.$$eval('[data-testid="sidebar-contact"]', (els) => els.map((e) => e.getAttribute('data-email')));
    expect(emails.sort()).toEqual(['emma.schultz@hooli.example.com', 'raj.patel@hooli.example.com']);
    await frame.click(`${card('raj.patel@hooli.example.com')} [data-testid="save-contact"]`);
    await frame.waitForSelector(`${card('raj.patel@hooli.example.com')} [data-testid="contact-saved"]`);
    await frame.click('[data-testid="log-thread"]');
    await frame.waitForSelector('[data-testid="thread-logged"]');
    await page.reload();
    const again = await sidebarFrame(page);
    await again.waitForSelector(`${card('raj.patel@hooli.example.com')}[data-known="true"]`);
    await again.waitForSelector(`${card('emma.schultz@hooli.example.com')}[data-known="true"]`);
    expect((await popupSearch(ext, 'raj pat')).find((r) => r.kind === 'contact')?.text).toContain('Raj Patel');
    await page.close();
  });

  it('Outlook in German: cards with the German signature facts; the logged thread holds what each sender wrote', async () => {
    server.route('outlook.office365.com', '/mail/', { html: OUTLOOK_DE });
    const page = await ext.openPage(`https://outlook.office365.com/mail/inbox/id/${encodeURIComponent(CONV_DE)}`);
    const frame = await sidebarFrame(page);
    const emails = await frame.$$eval('[data-testid="sidebar-contact"]', (els) => els.map((e) => e.getAttribute('data-email')));
    // Mia Hoffmann is on the user's own domain (acme.test): no card.
    expect(emails.sort()).toEqual(['k.schaefer@stadtwerke-nord.example.de', 'lukas.braun@stadtwerke-nord.example.de']);
    const katrin = await frame.$eval(card('k.schaefer@stadtwerke-nord.example.de'), (e) => (e as HTMLElement).innerText);
    expect(katrin).toContain('Leiterin Einkauf · Stadtwerke Nord GmbH');
    expect(katrin).toContain('+494012345678');
    await frame.click('[data-testid="log-thread"]');
    const logged = await frame.waitForSelector('[data-testid="thread-logged"]');
    expect(await logged!.evaluate((e) => e.textContent)).toContain('Logged 3 messages to 2 contacts');
    await page.close();

    // Found without its umlaut; the timeline shows the German subject and no quoted "Von: … Gesendet:" block.
    const popup = await ext.openPopup();
    await popup.type('[data-testid="search-input"]', 'katrin schafer');
    await popup.waitForSelector('[data-testid="search-result"][data-kind="contact"]');
    await popup.focus('[data-testid="search-input"]');
    await popup.keyboard.press('Enter');
    await popup.waitForSelector('[data-testid="contact-detail"]');
    await popup.waitForFunction(() => document.querySelectorAll('[data-testid="timeline-item"][data-type="email"]').length === 3);
    const items = await popup.$$eval('[data-testid="timeline-item"][data-type="email"]', (els) =>
      els.map((e) => (e as HTMLElement).innerText),
    );
    expect(items.every((t) => t.includes('Angebot Nr. 2026-114'))).toBe(true);
    expect(items.join('\n')).not.toMatch(/Gesendet:/);
    await popup.close();
  });

  it('Outlook compose: while a reply is written the sidebar shows its recipients; sending it brings the conversation back', async () => {
    server.route('outlook.office.com', '/mail/', { html: OUTLOOK_DE_REPLY });
    const page = await ext.openPage(`https://outlook.office.com/mail/inbox/id/${encodeURIComponent(CONV_DE)}`);
    const frame = await sidebarFrame(page);
    await frame.waitForSelector('[data-testid="compose-recipients"]');
    const emails = await frame.$$eval('[data-testid="sidebar-contact"]', (els) => els.map((e) => e.getAttribute('data-email')));
    // To: Lukas Braun and Katrin Schäfer; Cc: Mia Hoffmann, a colleague (no card).
    expect(emails).toEqual(['lukas.braun@stadtwerke-nord.example.de', 'k.schaefer@stadtwerke-nord.example.de']);
    expect(await frame.$eval(card('k.schaefer@stadtwerke-nord.example.de'), (e) => (e as HTMLElement).innerText)).toContain(
      'Katrin Schäfer',
    );
    expect(await frame.$('[data-testid="log-thread"]')).toBeNull(); // nothing is logged from a draft
    // Outlook removes the compose form once the reply is sent.
    await page.evaluate(() => document.querySelector('[role="region"][aria-label="Verfassen"]')?.remove());
    await frame.waitForSelector('[data-testid="log-thread"]');
    expect(await frame.$('[data-testid="compose-recipients"]')).toBeNull();
    await page.close();
  });

  it('LinkedIn: save a profile, then a changed title offers an update; the popup finds the person', async () => {
    server.route('www.linkedin.com', '/in/mateo-quintero-vale/', { html: PROFILE });
    const page = await ext.openPage('https://www.linkedin.com/in/mateo-quintero-vale/');
    let frame = await sidebarFrame(page);
    const sel = '[data-testid="sidebar-contact"][data-linkedin="https://www.linkedin.com/in/mateo-quintero-vale/"]';
    await frame.waitForSelector(sel);
    await frame.click(`${sel} [data-testid="save-contact"]`);
    await frame.waitForSelector(`${sel} [data-testid="contact-saved"]`);
    await frame.waitForSelector(`${sel} [data-testid="already-saved"]`);

    // The person changed jobs: the same profile now shows another title.
    server.route('www.linkedin.com', '/in/mateo-quintero-vale/', {
      html: PROFILE.replaceAll('Learning Programme Lead', 'Head of Learning'),
    });
    await page.reload();
    frame = await sidebarFrame(page);
    const change = await frame.waitForSelector(`${sel} [data-testid="profile-changes"] [data-field="title"]`);
    expect(await change!.evaluate((e) => e.textContent)).toContain('Learning Programme Lead → Head of Learning');
    await frame.click(`${sel} [data-testid="profile-changes"] [data-testid="save-contact"]`);
    await frame.waitForSelector(`${sel} [data-testid="contact-saved"]`);
    await frame.waitForFunction((s) => !document.querySelector(`${s} [data-testid="profile-changes"]`), {}, sel);

    const hits = await popupSearch(ext, 'mateo quint');
    expect(hits.find((r) => r.kind === 'contact')?.text).toContain('Mateo Quintero Vale');
    expect((await popupSearch(ext, 'head of learn')).some((r) => r.text.includes('Mateo Quintero Vale'))).toBe(true);
    await page.close();
  });

  it('LinkedIn: a not-found page shows not-a-profile; a feed page gets no sidebar', async () => {
    const page = await ext.openPage('https://www.linkedin.com/in/quinnmissing404/');
    const frame = await sidebarFrame(page);
    const el = await frame.waitForSelector('[data-testid="not-a-profile"]');
    expect(await el!.evaluate((e) => e.getAttribute('data-reason'))).toBe('not-found');
    expect(await frame.$('[data-testid="save-contact"]')).toBeNull();
    const feed = await ext.openPage('https://www.linkedin.com/feed/');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await feed.$('[data-testid="rapport-sidebar"]')).toBeNull();
    await page.close();
    await feed.close();
  });

  it('LinkedIn: an in-app navigation from a page without a sidebar to a profile mounts it', async () => {
    // The content script stays idle on pages that cannot show the sidebar (feed, jobs…) until
    // LinkedIn's own navigation (pushState) reaches a profile.
    const profileBody = PROFILE.slice(PROFILE.indexOf('<body'), PROFILE.lastIndexOf('</body>')).replace(/^<body[^>]*>/, '');
    server.route('www.linkedin.com', '/jobs/', {
      html: `<!doctype html><title>Jobs | LinkedIn</title><main>jobs</main><script>window.__profile = ${JSON.stringify(profileBody).replaceAll('<', '\\u003c')};</script>`,
    });
    const page = await ext.openPage('https://www.linkedin.com/jobs/');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await page.$('[data-testid="rapport-sidebar"]')).toBeNull();
    await page.evaluate(() => {
      history.pushState(null, '', '/in/mateo-quintero-vale/');
      document.body.innerHTML = (window as unknown as { __profile: string }).__profile;
    });
    const frame = await sidebarFrame(page);
    await frame.waitForSelector('[data-testid="sidebar-contact"][data-linkedin="https://www.linkedin.com/in/mateo-quintero-vale/"]');
    await page.close();
  });

  it('LinkedIn country hosts: a public profile on de. gets the card and is saved; on www it is the same person', async () => {
    // Logged-out visitors get public profiles on country hosts (the fixture's own canonical is no.).
    const PUBLIC = fixture('linkedin/scoutr-guest-public-profile2-2024-03.html');
    server.route('de.linkedin.com', '/in/anika-devi-marlow-7f3c21b0', { html: PUBLIC });
    server.route('www.linkedin.com', '/in/anika-devi-marlow-7f3c21b0', {
      html: PUBLIC.replaceAll('Delivery Lead - Software Engineer', 'Head of Delivery'),
    });
    const sel = '[data-testid="sidebar-contact"][data-linkedin="https://www.linkedin.com/in/anika-devi-marlow-7f3c21b0/"]';
    const de = await ext.openPage('https://de.linkedin.com/in/anika-devi-marlow-7f3c21b0?trk=public_profile_browsemap');
    let frame = await sidebarFrame(de);
    await frame.waitForSelector(sel);
    await frame.click(`${sel} [data-testid="save-contact"]`);
    await frame.waitForSelector(`${sel} [data-testid="contact-saved"]`);
    await de.close();

    // The same public id on www: already saved; its newer title is saved onto that person.
    const www = await ext.openPage('https://www.linkedin.com/in/anika-devi-marlow-7f3c21b0/');
    frame = await sidebarFrame(www);
    await frame.waitForSelector(`${sel} [data-testid="already-saved"]`);
    await frame.waitForSelector(`${sel} [data-testid="profile-changes"] [data-field="title"]`);
    await frame.click(`${sel} [data-testid="profile-changes"] [data-testid="save-contact"]`);
    await frame.waitForSelector(`${sel} [data-testid="contact-saved"]`);
    await www.close();

    const people = (await popupSearch(ext, 'anika devi')).filter((r) => r.kind === 'contact');
    expect(people).toHaveLength(1);
    expect(people[0].text).toContain('Anika Devi Marlow');
    expect((await popupSearch(ext, 'head of deliv')).filter((r) => r.kind === 'contact')).toHaveLength(1);
  });

  it('LinkedIn country hosts: a company page on uk. gets the sidebar; other country-host pages get none', async () => {
    server.route('uk.linkedin.com', '/company/fjellnet/', { html: fixture('linkedin/constructed-company-2026-11.html') });
    server.route('uk.linkedin.com', '/jobs/', { html: '<!doctype html><title>Jobs | LinkedIn</title><main>jobs</main>' });
    const company = await ext.openPage('https://uk.linkedin.com/company/fjellnet/');
    await company.waitForSelector('[data-testid="rapport-sidebar"]', { timeout: 30_000 });
    const jobs = await ext.openPage('https://uk.linkedin.com/jobs/');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await jobs.$('[data-testid="rapport-sidebar"]')).toBeNull();
    await company.close();
    await jobs.close();
  });

  it('Gmail: a hidden earlier view as the first main region; the sidebar shows the open conversation', async () => {
    server.route('mail.google.com', '/mail/u/2/', { html: fixture('gmail/thread-hidden-main.html') });
    const page = await ext.openPage('https://mail.google.com/mail/u/2/#inbox/18c4d5e6f7a8b9c0');
    const frame = await sidebarFrame(page);
    await frame.waitForSelector(card('lena.fischer@example.com'));
    const emails = await frame.$$eval('[data-testid="sidebar-contact"]', (els) => els.map((e) => e.getAttribute('data-email')));
    expect(emails).not.toContain('marco.rossi@globex.example.de'); // the hidden earlier conversation
    await page.close();
  });

  it('follows in-app navigation: a new thread in the same page gets its own cards', async () => {
    const other = fixture('gmail/thread-non-ascii.html');
    const body = (html: string) => html.slice(html.indexOf('<body'), html.lastIndexOf('</body>')).replace(/^<body[^>]*>/, '');
    server.route('mail.google.com', '/mail/u/2/', {
      html: GMAIL_THREAD.replace('</body>', `<script>window.__next = ${JSON.stringify(body(other))};</script></body>`),
    });
    const page = await ext.openPage('https://mail.google.com/mail/u/2/#inbox/18c2f4a9b7d3e601');
    const frame = await sidebarFrame(page);
    await frame.waitForSelector(card('marco.rossi@globex.example.de'));
    // Gmail-style navigation: the URL changes without a page load and the thread is re-rendered.
    await page.evaluate(() => {
      document.body.innerHTML = (window as unknown as { __next: string }).__next;
      history.pushState(null, '', '/mail/u/2/#inbox/other-thread');
    });
    await frame.waitForFunction(
      () =>
        !document.querySelector('[data-email="marco.rossi@globex.example.de"]') &&
        document.querySelectorAll('[data-testid="sidebar-contact"]').length > 0,
      { timeout: 10_000 },
    );
    const emails = await frame.$$eval('[data-testid="sidebar-contact"]', (els) => els.map((e) => e.getAttribute('data-email')));
    expect(emails.length).toBeGreaterThan(0);
    expect(emails).not.toContain('marco.rossi@globex.example.de');
    await page.close();
  });

  it('hostile names and subjects render literally and never run', async () => {
    const page = await ext.openPage('https://mail.google.com/mail/u/1/#inbox/18e1f2a3b4c5d6e7');
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    const frame = await sidebarFrame(page);
    await frame.click('[data-testid="log-thread"]');
    await frame.waitForSelector('[data-testid="thread-logged"]');
    const text = await frame.$eval('body', (b) => (b as HTMLElement).innerText);
    expect(text).toMatch(/<img src=x onerror=/);
    expect(await frame.$('[data-testid="sidebar-contact"] img')).toBeNull();
    expect(await frame.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(dialogs).toBe(0);
    // A javascript: link in a signature never becomes a link.
    expect(await frame.$('a[href^="javascript:"]')).toBeNull();
    await page.close();
  });

  it('a capture that fails validation at the receiver: the sidebar says what failed, where', async () => {
    // Content scripts send what their parser read without checking it; the background and the
    // frame check it. What a content script whose parser let a 400-character name through sends,
    // sent here from the frame (an extension page in the tab: the background takes it as the tab's).
    const page = await ext.openPage('https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601');
    const frame = await sidebarFrame(page);
    await frame.waitForSelector(card('marco.rossi@globex.example.de'));
    const url = page.url();
    await frame.evaluate(async (pageUrl) => {
      type Runtime = { sendMessage(m: unknown): Promise<{ ok: boolean; result?: { session: string } }> };
      const runtime = (globalThis as unknown as { chrome: { runtime: Runtime } }).chrome.runtime;
      const session = (await runtime.sendMessage({ rapport: 1, type: 'getCapture', payload: {} })).result!.session;
      const message = {
        messageId: 'm1',
        from: { email: 'marco.rossi@globex.example.de', name: 'M'.repeat(400) },
        to: [],
        cc: [],
        dateText: '',
        snippet: '',
        bodyText: '',
        quotedText: '',
        signature: '',
        links: [],
        direction: 'incoming',
        collapsed: false,
      };
      const result = { kind: 'thread', site: 'gmail', threadId: 't', subject: 'S', url: pageUrl, messages: [message], participants: [] };
      const capture = { site: 'gmail', url: pageUrl, result };
      await runtime.sendMessage({ rapport: 1, type: 'captureChanged', payload: { capture, session, seq: 1_000_000 } });
    }, url);
    const shown = await frame.waitForSelector('[data-testid="not-a-profile"][data-reason="invalid"]');
    expect(await shown!.evaluate((e) => (e as HTMLElement).innerText)).toMatch(/capture failed validation at messages\.0\.from\.name: /);
    expect(await frame.$('[data-testid="sidebar-contact"]')).toBeNull();
    await page.close();
  });

  it('a hostile page cannot feed the sidebar: forged captures posted to its frame are ignored', async () => {
    // What a page could forge: a well-formed capture (checked below against the real schema) of a
    // thread with someone it wants the user to save, posted to every frame it can reach, with a
    // port and with guessed sessions, again and again while the sidebar loads and after.
    const forged = {
      site: 'gmail',
      url: 'https://mail.google.com/mail/u/6/#inbox/forged',
      result: {
        kind: 'thread',
        site: 'gmail',
        threadId: 'forged',
        subject: 'Forged',
        url: 'https://mail.google.com/mail/u/6/#inbox/forged',
        messages: [
          {
            messageId: 'forged-1',
            from: { email: 'mallory@attacker.example', name: 'Mallory' },
            to: [],
            cc: [],
            dateText: '',
            snippet: '',
            bodyText: '',
            quotedText: '',
            signature: '',
            links: [],
            direction: 'incoming',
            collapsed: false,
          },
        ],
        participants: [{ email: 'mallory@attacker.example', name: 'Mallory', isUser: false, isInternal: false, roles: ['from'] }],
      },
    };
    expect(PageCapture.parse(forged).result).toEqual(forged.result);
    const attack = `<script>
      const forged = ${JSON.stringify(forged)};
      window.__shadowSeen = [];
      const hit = () => {
        for (const host of document.querySelectorAll('div[data-testid="rapport-sidebar"], div[data-rapport-preloaded]')) window.__shadowSeen.push(String(host.shadowRoot));
        for (let i = 0; i < window.frames.length; i++) {
          const w = window.frames[i];
          for (const session of ['', 'null', 'undefined', '0', crypto.randomUUID()]) {
            const ch = new MessageChannel();
            w.postMessage({ rapportPort: session }, '*', [ch.port2]);
            ch.port1.postMessage({ capture: forged, seq: 1000000 });
          }
          w.postMessage({ capture: forged, seq: 1000000 }, '*');
          w.postMessage({ rapportEvent: 'capture', tabId: 0, capture: forged, seq: 1000000 }, '*');
        }
      };
      setInterval(hit, 25);
    </script>`;
    server.route('mail.google.com', '/mail/u/6/', {
      html: GMAIL_THREAD.replace('<body>', `<body>${attack}`).replace('</body>', `${attack}</body>`),
    });
    const page = await ext.openPage('https://mail.google.com/mail/u/6/#inbox/18c2f4a9b7d3e601');
    const frame = await sidebarFrame(page);
    await frame.waitForSelector(card('marco.rossi@globex.example.de'));
    await new Promise((r) => setTimeout(r, 1500)); // dozens more attempts after the real capture
    const emails = await frame.$$eval('[data-testid="sidebar-contact"]', (els) => els.map((e) => e.getAttribute('data-email')));
    expect(emails).toContain('marco.rossi@globex.example.de');
    expect(emails).not.toContain('mallory@attacker.example');
    // Meanwhile the content script's own port was accepted: its capture came straight to the
    // frame (not only through the service worker).
    expect(await frame.evaluate(() => performance.getEntriesByName('rapport:capture-direct').length)).toBe(1);
    expect(await frame.$eval('body', (b) => (b as HTMLElement).innerText)).not.toContain('Forged');
    // The page never reaches into the sidebar's (closed) shadow root.
    const seen = await page.evaluate(() => (window as unknown as { __shadowSeen: string[] }).__shadowSeen);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['null']));
    await page.close();
  });

  it('follows the page theme: a dark Gmail gets a dark sidebar, a light one a light sidebar', async () => {
    // The frame is created at document_start, before the page has a background: it is told the
    // page's theme when it is shown.
    server.route('mail.google.com', '/mail/u/5/', {
      html: GMAIL_THREAD.replace('<body', '<body style="background-color: rgb(32, 33, 36); color: #e8eaed"'),
    });
    const dark = await ext.openPage('https://mail.google.com/mail/u/5/#inbox/18c2f4a9b7d3e601');
    const darkFrame = await sidebarFrame(dark);
    await darkFrame.waitForFunction(() => document.documentElement.dataset.theme === 'dark', { timeout: 10_000 });
    await dark.close();
    const light = await ext.openPage('https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601');
    const lightFrame = await sidebarFrame(light);
    expect(await lightFrame.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await light.close();
  });
});
