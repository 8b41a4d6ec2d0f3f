// Every interaction can be logged (issue 17 item 5): a meeting from the sidebar and a call from the
// workspace, with their facts in the timeline and in the export; a thread logged before says so
// before any click; an e-mail logged by mistake leaves the history; keep-in-touch cadences on a
// person and on a tag are kept.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { type FixtureServer, startFixtureServer } from './harness/server';
import { downloadInto, downloadedText } from './harness/downloads';
import { fill } from './harness/forms';
import { sidebarFrame } from './harness/sidebar';

const GMAIL_THREAD = readFileSync(new URL('../fixtures/gmail/thread-3-messages-cc.html', import.meta.url), 'utf8');
const MARCO = '[data-testid="sidebar-contact"][data-email="marco.rossi@globex.example.de"]';
const dir = mkdtempSync(join(tmpdir(), 'rapport-interactions-'));

const timeline = (page: Page | Frame, scope = '') =>
  page.$$eval(`${scope} [data-testid="timeline-item"]`, (els) =>
    els.map((e) => ({ type: e.getAttribute('data-type'), text: (e as HTMLElement).innerText })),
  );

describe('logging calls and meetings, un-logging e-mails, keeping in touch', () => {
  let server: FixtureServer;
  let ext: ExtensionHandle;
  let ws: Page;
  let marcoId: string;

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('mail.google.com', '/mail/u/0/', { html: GMAIL_THREAD });
    ext = await launchWithExtension({ hostMap: server.port });
  });
  afterAll(async () => {
    await ext?.close();
    await server?.close();
  });

  it('a thread logged before says so before any click; a meeting logged on a card is in its history', async () => {
    const page = await ext.openPage('https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601');
    let frame = await sidebarFrame(page);
    expect(await frame.$('[data-testid="thread-already-logged"]')).toBeNull();
    await frame.click('[data-testid="log-thread"]');
    await frame.waitForSelector('[data-testid="thread-logged"]');
    await page.reload();
    frame = await sidebarFrame(page);
    const already = await frame.waitForSelector('[data-testid="thread-already-logged"]');
    expect(await already!.evaluate((e) => [e.getAttribute('data-count'), e.getAttribute('data-by-rule')])).toEqual(['3', 'no']);

    await frame.click(`${MARCO} [data-testid="log-meeting"]`);
    await fill(frame, `${MARCO} [data-testid="interaction-at"]`, '2026-12-03T14:30');
    await fill(frame, `${MARCO} [data-testid="interaction-duration"]`, '45');
    await fill(frame, `${MARCO} [data-testid="interaction-attendees"]`, 'Lena Vogt <lena@globex.example.de>, Tom');
    await fill(frame, `${MARCO} [data-testid="interaction-notes"]`, 'Walked through the rollout plan');
    await frame.click(`${MARCO} [data-testid="interaction-save"]`);
    await frame.waitForFunction(
      (sel) =>
        [...document.querySelectorAll(`${sel} [data-testid="timeline-item"]`)].some((e) => e.getAttribute('data-type') === 'meeting'),
      {},
      MARCO,
    );
    const meeting = (await timeline(frame, MARCO)).find((i) => i.type === 'meeting')!;
    expect(meeting.text).toContain('45 min · with Lena Vogt, Tom');
    expect(meeting.text).toContain('Walked through the rollout plan');
    expect(await frame.$(`${MARCO} [data-testid="interaction-form"]`)).toBeNull(); // closed once saved
    await page.close();
  });

  it('a call logged on the workspace page shows its duration and outcome; a bad duration is refused', async () => {
    ws = await ext.openExtensionPage('workspace.html#/people');
    await ws.waitForSelector('[data-testid="person-row"]');
    marcoId = await ws.$$eval('[data-testid="person-row"]', (rows) =>
      rows.find((r) => (r as HTMLElement).innerText.includes('Marco'))!.getAttribute('data-id')!,
    );
    await ws.goto(ws.url().replace(/#.*$/, `#/people/${marcoId}`));
    await ws.waitForSelector('[data-testid="contact-detail"]');
    await ws.click('[data-testid="log-call"]');
    await fill(ws, '[data-testid="interaction-duration"]', '2000');
    await ws.click('[data-testid="interaction-save"]');
    await ws.waitForSelector('[data-testid="field-error"][data-field="interaction"]');
    expect((await timeline(ws)).filter((i) => i.type === 'call')).toEqual([]);

    await fill(ws, '[data-testid="interaction-duration"]', '12');
    await ws.select('[data-testid="interaction-outcome"]', 'left-voicemail');
    await fill(ws, '[data-testid="interaction-notes"]', 'Agreed on a demo');
    await ws.click('[data-testid="interaction-save"]');
    await ws.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="timeline-item"]')].some((e) => e.getAttribute('data-type') === 'call'),
    );
    const call = (await timeline(ws)).find((i) => i.type === 'call')!;
    expect(call.text).toContain('12 min · left voicemail');
    expect(call.text).toContain('Agreed on a demo');
  });

  it('an e-mail removed from the history leaves it for everyone; the thread then shows one message fewer logged', async () => {
    const emailsBefore = (await timeline(ws)).filter((i) => i.type === 'email').length;
    expect(emailsBefore).toBe(3);
    await ws.click('[data-testid="timeline-item"][data-type="email"] [data-testid="activity-remove"]');
    await ws.click('[data-testid="delete-confirmation"] [data-testid="delete-confirm"]');
    await ws.waitForFunction(() => document.querySelectorAll('[data-testid="timeline-item"][data-type="email"]').length === 2);

    const page = await ext.openPage('https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601');
    const frame = await sidebarFrame(page);
    const already = await frame.waitForSelector('[data-testid="thread-already-logged"]');
    expect(await already!.evaluate((e) => e.getAttribute('data-count'))).toBe('2');
    await page.close();
  });

  it('the export holds the call and the meeting with their facts', async () => {
    const settings = await ext.openExtensionPage('workspace.html#/settings');
    await downloadInto(settings, dir);
    await settings.waitForSelector('[data-testid="export-json"]');
    await settings.click('[data-testid="export-json"]');
    const exported = JSON.parse(await downloadedText(dir, /^rapport-export-.*\.json$/)) as { activities: Record<string, unknown>[] };
    const call = exported.activities.find((a) => a.type === 'call');
    const meeting = exported.activities.find((a) => a.type === 'meeting');
    expect(call).toMatchObject({ contactIds: [marcoId], durationMinutes: 12, outcome: 'left-voicemail', body: 'Agreed on a demo' });
    expect(meeting).toMatchObject({
      contactIds: [marcoId],
      durationMinutes: 45,
      occurredAt: new Date('2026-12-03T14:30').toISOString(),
      participants: [{ name: 'Lena Vogt', email: 'lena@globex.example.de' }, { name: 'Tom' }],
    });
    expect(exported.activities.filter((a) => a.type === 'email')).toHaveLength(2);
    await settings.close();
  });

  it('keep in touch: a cadence on the person and one on a tag are kept across reloads', async () => {
    await ws.select('[data-testid="cadence-select"]', '14');
    await ws.waitForFunction(() => document.querySelector('.ws-work [role="status"]')?.textContent?.includes('every 2 weeks'));
    await ws.reload();
    await ws.waitForSelector('[data-testid="cadence-select"]');
    expect(await ws.$eval('[data-testid="cadence-select"]', (e) => (e as HTMLSelectElement).value)).toBe('14');

    await ws.goto(ws.url().replace(/#.*$/, '#/settings'));
    await ws.waitForSelector('[data-testid="tag-cadence-add"]');
    await ws.click('[data-testid="tag-cadence-add"]');
    await fill(ws, '[data-testid="tag-cadence-tag"]', 'vip');
    await ws.select('[data-testid="tag-cadence-days"]', '91');
    await ws.click('[data-testid="tag-cadence-save"]');
    await ws.waitForFunction(() => document.querySelector('[data-testid="keep-in-touch-status"]')?.textContent?.startsWith('Saved'));
    await ws.reload();
    await ws.waitForSelector('[data-testid="tag-cadence-row"]');
    expect(await ws.$eval('[data-testid="tag-cadence-tag"]', (e) => (e as HTMLInputElement).value)).toBe('vip');
    expect(await ws.$eval('[data-testid="tag-cadence-days"]', (e) => (e as HTMLSelectElement).value)).toBe('91');
  });
});
