// Tasks on every screen (issue 17 items 1 and 2): a follow-up due in the past created from the
// sidebar on a Gmail thread is listed as overdue in the popup's Due tab, Done there takes it off the
// list and into the workspace's Done section; in the workspace's Tasks view a task is created with
// a person linked, shown highlighted on that person's page while overdue, snoozed (it leaves
// Overdue), edited (a field's message, then title and due time) and deleted after a confirmation.
import { readFileSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf, localDateTime, snoozeUntil } from '../../storage/task-schedule';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';
import { type FixtureServer, startFixtureServer } from './harness/server';
import { clickWhenThere, fill } from './harness/forms';
import { sidebarFrame } from './harness/sidebar';

const GMAIL_THREAD = readFileSync(new URL('../fixtures/gmail/thread-3-messages-cc.html', import.meta.url), 'utf8');
const MARCO = '[data-testid="sidebar-contact"][data-email="marco.rossi@globex.example.de"]';

const item = (id: string) => `[data-testid="task-item"][data-id="${id}"]`;
const attr = (page: Page, sel: string, name: string) => page.$eval(sel, (e, n) => e.getAttribute(n), name);
const yesterday = () => localDateOf(new Date(Date.now() - 864e5));

describe('tasks: sidebar, popup Due tab, workspace Tasks view, contact page', () => {
  let server: FixtureServer;
  let ext: ExtensionHandle;
  let ws: Page;
  let doneId: string;
  let taskId: string;
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

  it('a follow-up due yesterday, set from the sidebar, is overdue on the card and in the popup; Done there clears it', async () => {
    const page = await ext.openPage('https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601');
    const frame = await sidebarFrame(page);
    await clickWhenThere(frame, `${MARCO} [data-testid="follow-up"]`);
    await fill(frame, `${MARCO} [data-testid="follow-up-title"]`, 'Send the Globex quote');
    await fill(frame, `${MARCO} [data-testid="follow-up-date"]`, yesterday());
    await fill(frame, `${MARCO} [data-testid="follow-up-time"]`, '08:00');
    await clickWhenThere(frame, `${MARCO} [data-testid="follow-up-save"]`);
    // The card saved the person and shows the open follow-up, highlighted as overdue.
    const onCard = await frame.waitForSelector(`${MARCO} [data-testid="open-follow-ups"] [data-testid="task-item"][data-state="overdue"]`);
    expect(await onCard!.evaluate((e) => (e as HTMLElement).innerText)).toContain('Send the Globex quote');
    await page.close();

    const popup = await ext.openPopup();
    await popup.waitForFunction(() => document.querySelector('[data-testid="popup-due-count"]')?.textContent === '1');
    await clickWhenThere(popup, '[data-testid="popup-due"]');
    const row = await popup.waitForSelector('[data-testid="due-list"] [data-testid="task-item"]');
    doneId = (await row!.evaluate((e) => e.getAttribute('data-id')))!;
    expect(await row!.evaluate((e) => [e.getAttribute('data-state'), (e as HTMLElement).innerText])).toEqual([
      'overdue',
      expect.stringContaining('Send the Globex quote'),
    ]);
    expect(await attr(popup, item(doneId), 'data-due')).toBe(localDateTime(yesterday(), '08:00')!.toISOString());
    await clickWhenThere(popup, `${item(doneId)} [data-testid="task-done"]`);
    await popup.waitForSelector('[data-testid="due-empty"]');
    expect(await popup.$('[data-testid="popup-due-count"]')).toBeNull();
    await popup.close();
  });

  it('the workspace lists it under Done, with Reopen', async () => {
    ws = await ext.openExtensionPage('workspace.html#/people');
    await clickWhenThere(ws, '[data-testid="nav-tasks"]');
    const done = await ws.waitForSelector(`[data-testid="tasks-done"] ${item(doneId)}`);
    expect(await done!.evaluate((e) => e.getAttribute('data-state'))).toBe('done');
    expect(await ws.$(`${item(doneId)} [data-testid="task-reopen"]`)).not.toBeNull();
    expect(await ws.$$(`[data-testid="tasks-overdue"] [data-testid="task-item"]`)).toHaveLength(0);
  });

  it('n opens the new-task form; a task linked to a person is created overdue and shown highlighted on their page', async () => {
    await ws.keyboard.press('n');
    await ws.waitForSelector('[data-testid="task-new-form"]');
    expect(new URL(ws.url()).hash).toBe('#/tasks?new=1');
    const form = '[data-testid="task-new-form"]';
    await fill(ws, `${form} [data-testid="follow-up-title"]`, 'Call Marco back');
    await fill(ws, `${form} [data-testid="follow-up-date"]`, yesterday());
    await fill(ws, `${form} [data-testid="follow-up-time"]`, '10:00');
    await fill(ws, `${form} [data-testid="task-person-input"]`, 'marco');
    await clickWhenThere(ws, `${form} [data-testid="task-person-option"]`);
    const chip = await ws.waitForSelector(`${form} [data-testid="task-person"]`);
    marcoId = (await chip!.evaluate((e) => e.getAttribute('data-id')))!;
    await clickWhenThere(ws, `${form} [data-testid="follow-up-save"]`);
    const row = await ws.waitForSelector('[data-testid="tasks-overdue"] [data-testid="task-item"]');
    taskId = (await row!.evaluate((e) => e.getAttribute('data-id')))!;
    expect(new URL(ws.url()).hash).toBe('#/tasks');
    expect(await ws.$eval(`${item(taskId)} [data-testid="task-person-link"]`, (a) => [a.textContent, a.getAttribute('href')])).toEqual([
      'Marco Rossi',
      `#/people/${marcoId}`,
    ]);

    await clickWhenThere(ws, `${item(taskId)} [data-testid="task-person-link"]`);
    const followUp = await ws.waitForSelector(
      `[data-testid="contact-detail"] [data-testid="open-follow-ups"] ${item(taskId)}[data-state="overdue"]`,
    );
    expect(await followUp!.evaluate((e) => e.classList.contains('task-overdue'))).toBe(true);
    expect(await ws.$(`[data-testid="open-follow-ups"] ${item(taskId)} [data-testid="task-done"]`)).not.toBeNull();
    // The finished follow-up stays in the person's history, as done.
    expect(
      await ws.$$eval('[data-testid="timeline-item"][data-type="task"]', (els) => els.map((e) => e.getAttribute('data-state')).sort()),
    ).toEqual(['done', 'overdue']);
  });

  it('a task named in the route is highlighted; snoozed until tomorrow it leaves Overdue', async () => {
    await ws.goto(`${ws.url().split('#')[0]}#/tasks?task=${taskId}`);
    await ws.waitForSelector(`[data-testid="tasks-overdue"] ${item(taskId)}[data-highlighted="true"]`);
    const before = await attr(ws, item(taskId), 'data-due');
    await clickWhenThere(ws, `${item(taskId)} [data-testid="task-snooze"]`);
    await clickWhenThere(ws, `${item(taskId)} [data-testid="snooze-tomorrow"]`);
    await ws.waitForSelector(`[data-testid="tasks-upcoming"] ${item(taskId)}[data-state="upcoming"]`);
    const after = await attr(ws, item(taskId), 'data-due');
    expect(after).not.toBe(before);
    expect(after).toBe(snoozeUntil('tomorrow', new Date()).toISOString());
    expect(await ws.$(`[data-testid="tasks-overdue"] ${item(taskId)}`)).toBeNull();
  });

  it('edits a task: an empty title is named under its field; then the title and due time change', async () => {
    await clickWhenThere(ws, `${item(taskId)} [data-testid="task-edit"]`);
    const form = `${item(taskId)} [data-testid="follow-up-form"]`;
    await ws.waitForSelector(form);
    await fill(ws, `${form} [data-testid="follow-up-title"]`, '  ');
    await clickWhenThere(ws, `${form} [data-testid="follow-up-save"]`);
    const error = await ws.waitForSelector(`${form} [data-testid="field-error"][data-field="title"]`);
    expect(await error!.evaluate((e) => e.textContent)).toBe('A task needs a title.');

    const day = await ws.$eval(`${form} [data-testid="follow-up-date"]`, (e) => (e as HTMLInputElement).value);
    await fill(ws, `${form} [data-testid="follow-up-title"]`, 'Call Marco about the quote');
    await fill(ws, `${form} [data-testid="follow-up-time"]`, '14:30');
    await clickWhenThere(ws, `${form} [data-testid="follow-up-save"]`);
    await ws.waitForFunction(
      (sel) => (document.querySelector(sel) as HTMLElement | null)?.innerText.includes('Call Marco about the quote'),
      {},
      item(taskId),
    );
    expect(await attr(ws, item(taskId), 'data-due')).toBe(localDateTime(day, '14:30')!.toISOString());
    expect(await ws.$(form)).toBeNull();
  });

  it('deletes a task after a confirmation', async () => {
    await clickWhenThere(ws, `${item(taskId)} [data-testid="task-delete"]`);
    await ws.waitForSelector(`${item(taskId)} [data-testid="delete-confirmation"]`);
    expect(await ws.$(item(taskId))).not.toBeNull();
    await clickWhenThere(ws, `${item(taskId)} [data-testid="delete-confirm"]`);
    await ws.waitForFunction((sel) => !document.querySelector(sel), {}, item(taskId));
    expect(ext.errors(ws)).toEqual([]);
  });
});
