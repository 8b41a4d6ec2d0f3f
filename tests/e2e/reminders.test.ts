// The toolbar badge and task reminders in Chromium (decision 0050). Tasks are written from an
// extension page through storage, as the Tasks view and the sidebar write them (the test build's
// bench page, which wakes the background after a task write like every Rapport page); the badge is
// read with chrome.action.getBadgeText and notifications with chrome.notifications.getAll. The test
// build holds the `notifications` permission (a headless browser cannot answer its prompt).
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';

type Bench = { bench: Record<string, (...args: unknown[]) => Promise<unknown>> };
type Task = { id: string; done: boolean; remindAt?: string; remindedFor?: string };

describe('badge and reminders', () => {
  let ext: ExtensionHandle;
  let page: Page;
  const call = <T>(name: string, ...args: unknown[]) =>
    page.evaluate((n, a) => (globalThis as unknown as Bench).bench[n](...a), name, args) as Promise<T>;
  const badgeBecomes = async (text: string, ms = 10_000) => expect(await call<number>('waitForBadge', text, ms)).toBeGreaterThanOrEqual(0);
  async function notificationsWith(id: string, ms = 30_000): Promise<string[]> {
    const end = Date.now() + ms;
    for (;;) {
      const all = await call<string[]>('notifications');
      if (all.some((n) => n.includes(id)) || Date.now() > end) return all;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  async function remindedFor(id: string): Promise<Task> {
    for (let i = 0; i < 100; i++) {
      const t = await call<Task>('getTask', id);
      if (t.remindedFor) return t;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`task ${id} was never reminded`);
  }
  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

  beforeAll(async () => {
    ext = await launchWithExtension();
    page = await ext.openExtensionPage('bench.html');
    await page.waitForFunction('globalThis.benchReady === true');
    await call('wakeBackground');
  });
  afterAll(async () => {
    await ext?.close();
  });

  it('the badge counts a task due in the past, and is empty once it is done', async () => {
    expect(await call('badge')).toBe('');
    const late = await call<Task>('createTask', { title: 'Send the contract', dueAt: inSeconds(-3600) });
    await badgeBecomes('1');
    const title = await ext.evaluateInWorker(() =>
      (globalThis as unknown as { chrome: { action: { getTitle(d: object): Promise<string> } } }).chrome.action.getTitle({}),
    );
    expect(title).toBe('Rapport — 1 task due today or overdue');
    // Due next week: not counted.
    await call('createTask', { title: 'Quarterly review', dueAt: inSeconds(8 * 24 * 3600) });
    await call('setTaskDone', late.id, true);
    await badgeBecomes('');
  });

  it('an alert ("!" after a failed Save to Rapport) is shown over the count, then the count comes back', async () => {
    const t = await call<Task>('createTask', { title: 'Answer Lea', dueAt: inSeconds(-60) });
    await badgeBecomes('1');
    await ext.evaluateInWorker(() => {
      (
        globalThis as unknown as { chrome: { contextMenus: { onClicked: { dispatch(i: object, t?: object): void } } } }
      ).chrome.contextMenus.onClicked.dispatch({ menuItemId: 'rapport-save-selection', selectionText: 'no address here' }, undefined);
    });
    await badgeBecomes('!', 5_000);
    // A task change meanwhile does not take the alert's place.
    const per = await call<Task>('createTask', { title: 'Answer Per', dueAt: inSeconds(-60) });
    await new Promise((r) => setTimeout(r, 300));
    expect(await call('badge')).toBe('!');
    await badgeBecomes('2', 12_000);
    await call('setTaskDone', t.id, true);
    await badgeBecomes('1');
    await call('setTaskDone', per.id, true);
    await badgeBecomes('');
  });

  it('a task written while the service worker is stopped still reaches the badge', async () => {
    await ext.stopServiceWorker();
    const t = await call<Task>('createTask', { title: 'Call back Maja', dueAt: inSeconds(-60) });
    await badgeBecomes('1');
    await ext.stopServiceWorker();
    await call('setTaskDone', t.id, true);
    await badgeBecomes('');
  });

  it('reminders turned on in Settings: a reminder set a few seconds ahead fires after the service worker was killed', async () => {
    const ws = await ext.openExtensionPage('workspace.html#/settings');
    await ws.waitForSelector('[data-testid="reminders-enabled"]');
    expect(await ws.$eval('[data-testid="reminders-enabled"]', (e) => (e as HTMLInputElement).checked)).toBe(false);
    await ws.click('[data-testid="reminders-enabled"]');
    await ws.waitForSelector('[data-testid="reminders-saved"]');
    await ws.close();

    const t = await call<Task>('createTask', { title: 'Prepare the demo', dueAt: inSeconds(8), remindBefore: 0 });
    // The worker planned its alarm, then is stopped as Chrome stops an idle one.
    const alarm = async () =>
      ext.evaluateInWorker(async () => {
        const a = await (
          globalThis as unknown as { chrome: { alarms: { get(n: string): Promise<{ scheduledTime: number } | undefined> } } }
        ).chrome.alarms.get('rapport-reminder');
        return a?.scheduledTime;
      });
    for (let i = 0; i < 50 && (await alarm()) !== Date.parse(t.remindAt!); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await alarm()).toBe(Date.parse(t.remindAt!));
    await ext.stopServiceWorker();
    expect(await call<string[]>('notifications')).toEqual([]);
    const shown = await notificationsWith(t.id);
    expect(shown).toEqual([`rapport-reminder:${t.id}`]);
    expect((await remindedFor(t.id)).remindAt).toBeUndefined();
  });

  it('Done on the notification marks the task done; a click on it opens the task in the workspace', async () => {
    await call('remindersOn', true);
    const a = await call<Task>('createTask', { title: 'Order samples', dueAt: inSeconds(1), remindBefore: 0 });
    expect(await notificationsWith(a.id)).toContain(`rapport-reminder:${a.id}`);
    await ext.evaluateInWorker((id: string) => {
      (
        globalThis as unknown as { chrome: { notifications: { onButtonClicked: { dispatch(id: string, b: number): void } } } }
      ).chrome.notifications.onButtonClicked.dispatch(id, 0);
    }, `rapport-reminder:${a.id}`);
    for (let i = 0; i < 50 && !(await call<Task>('getTask', a.id)).done; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await call<Task>('getTask', a.id)).done).toBe(true);

    const b = await call<Task>('createTask', { title: 'Book the flight', dueAt: inSeconds(1), remindBefore: 0 });
    expect(await notificationsWith(b.id)).toContain(`rapport-reminder:${b.id}`);
    const opened = ext.browser.waitForTarget((t) => t.url().includes('/workspace.html#/tasks'), { timeout: 15_000 });
    await ext.evaluateInWorker((id: string) => {
      (
        globalThis as unknown as { chrome: { notifications: { onClicked: { dispatch(id: string): void } } } }
      ).chrome.notifications.onClicked.dispatch(id);
    }, `rapport-reminder:${b.id}`);
    expect(new URL((await opened).url()).hash).toBe(`#/tasks?task=${b.id}`);
    expect(await call<string[]>('notifications')).not.toContain(`rapport-reminder:${b.id}`);
  });

  it('reminders missed while the browser was away come as one notification; with reminders off, none', async () => {
    await call('remindersOn', true);
    const missed = await call<Task[]>(
      'putTasksAtOnce',
      ['Invoice Nordvind', 'Renew the licence', 'Thank Oskar'].map((title) => ({ title, dueAt: inSeconds(-3 * 3600), remindBefore: 60 })),
    );
    const shown = await notificationsWith(missed[0].id);
    const ours = shown.filter((n) => missed.some((t) => n.includes(t.id)));
    expect(ours).toHaveLength(1);
    expect(ours[0].replace('rapport-reminder:', '').split(',').sort()).toEqual(missed.map((t) => t.id).sort());
    for (const t of missed) expect((await remindedFor(t.id)).remindAt).toBeUndefined();

    await call('remindersOn', false);
    const quiet = await call<Task>('createTask', { title: 'Water the plants', dueAt: inSeconds(1), remindBefore: 0 });
    await remindedFor(quiet.id);
    expect((await call<string[]>('notifications')).join(' ')).not.toContain(quiet.id);
  });

  it('keep in touch: the worker makes "Reconnect with …" items after a tag cadence is set and after a person gets a cadence', async () => {
    const items = async (id: string) => {
      for (let i = 0; i < 100; i++) {
        const found = await call<{ title: string; dueAt: string }[]>('reconnectItemsOf', id);
        if (found.length) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      return [];
    };
    // Written without a message (as a sync pull writes in the worker): nothing yet.
    await call('putContactAdded', { id: 'ct_kit_ann', name: 'Ann Quill', tags: ['client'], daysAgo: 40 });
    await new Promise((r) => setTimeout(r, 500));
    expect(await call('reconnectItemsOf', 'ct_kit_ann')).toEqual([]);
    // The settings written from a page (not the Keep in touch section, which runs the pass itself).
    await call('setTagCadences', [{ tag: 'client', days: 30 }]);
    expect((await items('ct_kit_ann')).map((t) => t.title)).toEqual(['Reconnect with Ann Quill']);
    await ext.stopServiceWorker();
    await call('putContactAdded', { id: 'ct_kit_bob', name: 'Bob Marsh', cadenceDays: 7, daysAgo: 10 });
    expect((await items('ct_kit_bob')).map((t) => t.title)).toEqual(['Reconnect with Bob Marsh']);
    // And once a day, by an alarm that a restarted worker does not postpone.
    const daily = () =>
      ext.evaluateInWorker(() =>
        (
          globalThis as unknown as {
            chrome: { alarms: { get(n: string): Promise<{ periodInMinutes?: number; scheduledTime: number } | undefined> } };
          }
        ).chrome.alarms.get('rapport-keep-in-touch'),
      );
    const first = await daily();
    expect(first?.periodInMinutes).toBe(24 * 60);
    await ext.stopServiceWorker();
    expect((await daily())?.scheduledTime).toBe(first?.scheduledTime);
  });
  it("the popup's Due tab shows the earliest 50 of a large backlog, counts them all, and leads to the rest", async () => {
    for (let i = 0; i < 55; i++)
      await call('createTask', { title: `Backlog ${String(i).padStart(2, '0')}`, dueAt: inSeconds(-86400 * 30 + i * 60) });
    const total = await call<number>('dueCount');
    expect(total).toBeGreaterThanOrEqual(55);
    const popup = await ext.openPopup();
    await popup.click('[data-testid="popup-due"]');
    await popup.waitForSelector('[data-testid="due-more"]');
    expect(await popup.$eval('[data-testid="popup-due-count"]', (e) => e.textContent?.trim())).toBe(String(total));
    const rows = await popup.$$eval('[data-testid="task-item"]', (els) => els.map((e) => (e as HTMLElement).innerText));
    expect(rows).toHaveLength(50);
    expect(rows[0]).toContain('Backlog 00'); // the most overdue first
    expect(await popup.$eval('[data-testid="due-more"]', (e) => e.textContent)).toContain(`${total - 50} more due`);
    await popup.close();
  });
});
