// The item page of a case in Chromium (issue 18 items 2 and 4): a new priority gives it the SLA due
// time of the policy; each stage move adds to the stage history, and resolving it records its
// resolution time; a case past its SLA shows overdue. Cases are written straight into the
// extension's database (the board that creates them is another page's).
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';

const HOUR = 3600e3;

interface SeedCase {
  id: string;
  title: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  openedHoursAgo: number;
  slaHours: number;
}

/** Writes an open case of the default Service pipeline (stage New) with its first stage change. */
function seedCase(page: Page, c: SeedCase): Promise<void> {
  const opened = new Date(Date.now() - c.openedHoursAgo * HOUR).toISOString();
  const due = new Date(Date.parse(opened) + c.slaHours * HOUR).toISOString();
  const item = {
    id: c.id,
    pipelineId: 'pl_service',
    stageId: 'new',
    title: c.title,
    contactIds: [],
    threadIds: [],
    category: 'complaint',
    priority: c.priority,
    slaDueAt: due,
    openSlaDueAt: due,
    stageEnteredAt: opened,
    createdAt: opened,
    updatedAt: opened,
    sources: [{ type: 'manual', at: opened }],
  };
  const change = { id: `sc_${c.id}`, itemId: c.id, pipelineId: 'pl_service', to: 'new', at: opened };
  return page.evaluate(
    (it, ch) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('rapport');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['items', 'stageChanges'], 'readwrite');
          tx.objectStore('items').put(it);
          tx.objectStore('stageChanges').put(ch);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    item,
    change,
  );
}

const slaDue = (ws: Page) =>
  ws.$eval('[data-testid="sla-due"]', (e) => ({
    due: e.getAttribute('data-due'),
    overdue: e.getAttribute('data-overdue'),
    text: (e as HTMLElement).innerText,
  }));

const history = (ws: Page) =>
  ws.$$eval('[data-testid="stage-change"]', (els) => els.map((e) => [e.getAttribute('data-from'), e.getAttribute('data-to')]));

async function openItem(ws: Page, id: string) {
  await ws.goto(ws.url().replace(/#.*$/, `#/items/${id}`));
  await ws.waitForSelector(`[data-testid="item-page"][data-id="${id}"] [data-testid="sla-due"]`);
}

describe('pipeline item page: a case', () => {
  let ext: ExtensionHandle;
  let ws: Page;

  beforeAll(async () => {
    ext = await launchWithExtension();
    ws = await ext.openExtensionPage('workspace.html#/pipelines');
    await ws.waitForSelector('[data-testid="workspace-nav"]');
  });
  afterAll(async () => {
    await ext?.close();
  });

  it('a new priority gives the case the SLA due time of the policy, counted from its opening', async () => {
    await seedCase(ws, { id: 'it_e2e_invoice', title: 'Wrong invoice', priority: 'normal', openedHoursAgo: 2, slaHours: 72 });
    await openItem(ws, 'it_e2e_invoice');
    const before = await slaDue(ws);
    expect(before.overdue).toBe('false');
    const opened = Date.parse(before.due!) - 72 * HOUR;

    await ws.select('[data-testid="item-form"] [name="priority"]', 'urgent');
    await ws.click('[data-testid="item-save"]');
    const urgentDue = new Date(opened + 4 * HOUR).toISOString();
    await ws.waitForFunction((d) => document.querySelector('[data-testid="sla-due"]')?.getAttribute('data-due') === d, {}, urgentDue);
    const after = await slaDue(ws);
    expect(after.overdue).toBe('false');
    expect(after.text).toMatch(/in 1 h 5\d min|in 2 h/);
    expect(await ws.$eval('[data-testid="case-priority"]', (e) => e.textContent)).toBe('urgent');
    // Kept after a reload: it was stored, not only shown.
    await ws.reload({ waitUntil: 'load' });
    await ws.waitForSelector('[data-testid="sla-due"]');
    expect((await slaDue(ws)).due).toBe(urgentDue);
  });

  it('each stage move adds to the stage history; resolving records the resolution time', async () => {
    await openItem(ws, 'it_e2e_invoice');
    expect(await history(ws)).toEqual([[null, 'New']]);
    await ws.select('[data-testid="item-move"]', 'Open');
    await ws.waitForFunction(() => document.querySelectorAll('[data-testid="stage-change"]').length === 2);
    expect(await history(ws)).toEqual([
      [null, 'New'],
      ['New', 'Open'],
    ]);
    expect(await ws.$eval('[data-testid="resolution-time"]', (e) => e.textContent)).toBe('open');

    await ws.select('[data-testid="item-move"]', 'Resolved');
    await ws.waitForFunction(() => document.querySelectorAll('[data-testid="stage-change"]').length === 3);
    expect((await history(ws))[2]).toEqual(['Open', 'Resolved']);
    expect(await ws.$eval('[data-testid="item-move"]', (e) => (e as HTMLSelectElement).value)).toBe('Resolved');
    expect(await ws.$eval('[data-testid="resolution-time"]', (e) => e.textContent)).toMatch(/^after (1 h 5\d min|2 h)/);
    // A resolved case is no longer judged against its SLA.
    expect((await slaDue(ws)).overdue).toBe('false');
  });

  it('an open case past its SLA due time shows overdue', async () => {
    await seedCase(ws, { id: 'it_e2e_outage', title: 'Outage', priority: 'urgent', openedHoursAgo: 10, slaHours: 4 });
    await openItem(ws, 'it_e2e_outage');
    const due = await slaDue(ws);
    expect(due.overdue).toBe('true');
    expect(due.text).toMatch(/^Overdue by (5 h 5\d min|6 h)/);
  });

  it("a follow-up made on the case's page is linked to the case and listed there", async () => {
    await openItem(ws, 'it_e2e_outage');
    await ws.click('[data-testid="follow-up"]');
    await ws.waitForSelector('[data-testid="follow-up-form"]');
    await ws.$eval('[data-testid="follow-up-title"]', (e) => ((e as HTMLInputElement).value = ''));
    await ws.type('[data-testid="follow-up-title"]', 'Call the site manager');
    await ws.$eval('[data-testid="follow-up-date"]', (e) => {
      const input = e as HTMLInputElement;
      input.value = new Date(Date.now() + 86400e3).toISOString().slice(0, 10);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await ws.click('[data-testid="follow-up-save"]');
    await ws.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="timeline-item"][data-type="task"]')].some((e) =>
        e.textContent?.includes('Call the site manager'),
      ),
    );
    const tasks = await ws.evaluate(
      () =>
        new Promise<{ title: string; itemId?: string }[]>((resolve, reject) => {
          const open = indexedDB.open('rapport');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const req = open.result.transaction('tasks').objectStore('tasks').getAll();
            req.onsuccess = () => (open.result.close(), resolve(req.result as { title: string; itemId?: string }[]));
            req.onerror = () => reject(req.error);
          };
        }),
    );
    expect(tasks.filter((t) => t.title === 'Call the site manager').map((t) => t.itemId)).toEqual(['it_e2e_outage']);
  });

  it('with reminders on, a case whose new priority brings its SLA within the lead time is reminded of, and so is the overdue one', async () => {
    await ws.goto(ws.url().replace(/#.*$/, '#/settings'));
    await ws.waitForSelector('[data-testid="reminders-enabled"]');
    await ws.click('[data-testid="reminders-enabled"]');
    await ws.waitForSelector('[data-testid="reminders-saved"]');
    const shown = () =>
      ext.evaluateInWorker(async () =>
        Object.keys(
          await (
            globalThis as unknown as { chrome: { notifications: { getAll(): Promise<Record<string, boolean>> } } }
          ).chrome.notifications.getAll(),
        ),
      );
    await seedCase(ws, { id: 'it_e2e_breached', title: 'Broken login', priority: 'urgent', openedHoursAgo: 6, slaHours: 4 });
    await seedCase(ws, { id: 'it_e2e_refund', title: 'Refund', priority: 'high', openedHoursAgo: 3, slaHours: 24 });
    await openItem(ws, 'it_e2e_refund');
    await new Promise((r) => setTimeout(r, 500));
    expect((await shown()).join(' ')).not.toContain('it_e2e_refund');
    // Urgent: due 4 hours after opening, in about an hour — inside the 2 hours' lead.
    await ws.select('[data-testid="item-form"] [name="priority"]', 'urgent');
    await ws.click('[data-testid="item-save"]');
    const casesShown = async () => (await shown()).filter((n) => n.startsWith('rapport-sla:')).flatMap((n) => n.slice(12).split(','));
    let ids: string[] = [];
    for (let i = 0; i < 100 && !(ids.includes('it_e2e_refund') && ids.includes('it_e2e_breached')); i++) {
      await new Promise((r) => setTimeout(r, 200));
      ids = await casesShown();
    }
    // A case already past its SLA is reminded of too.
    expect(ids).toEqual(expect.arrayContaining(['it_e2e_breached', 'it_e2e_refund']));
  });
});
