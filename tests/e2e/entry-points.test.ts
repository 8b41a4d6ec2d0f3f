// The ways into Rapport besides the popup: the welcome page (team domain, shortcuts), the command
// that opens the workspace, and "Save to Rapport" from the context menu on a mailto: link, a
// LinkedIn profile link and a selection. A headless browser has no context menu nor accelerators:
// their events are dispatched in the service worker as the browser does.
import type { Page, Target } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionHandle, launchWithExtension } from './harness/browser';

type ChromeEvents = {
  chrome: {
    contextMenus: { onClicked: { dispatch(info: object, tab?: object): void } };
    commands: { onCommand: { dispatch(c: string, t?: object): void } };
    action: { getBadgeText(d: object): Promise<string>; getTitle(d: object): Promise<string> };
  };
};

describe('entry points', () => {
  let ext: ExtensionHandle;
  beforeAll(async () => {
    ext = await launchWithExtension();
  });
  afterAll(async () => {
    await ext?.close();
  });

  /** Runs `fire` in the service worker and returns the workspace tab it opens. */
  async function workspaceTabFrom(fire: () => Promise<unknown>): Promise<Page> {
    const before = new Set(ext.browser.targets());
    const opened = ext.browser.waitForTarget((t: Target) => !before.has(t) && t.url().includes('/workspace.html'), { timeout: 15_000 });
    await fire();
    const tab = await (await opened).page();
    if (!tab) throw new Error('no workspace tab');
    await tab.waitForSelector('[data-testid="workspace-nav"]');
    return tab;
  }

  const contextClick = (info: object) =>
    ext.evaluateInWorker((i: object) => {
      (globalThis as unknown as ChromeEvents).chrome.contextMenus.onClicked.dispatch(i, undefined);
    }, info);

  async function popupFinds(q: string): Promise<string[]> {
    const popup = await ext.openPopup();
    await popup.type('[data-testid="search-input"]', q);
    await popup.waitForFunction((qq) => document.querySelector('[data-testid="search-results"]')?.getAttribute('data-query') === qq, {}, q);
    const rows = await popup.$$eval('[data-testid="search-result"][data-kind="contact"]', (els) =>
      els.map((e) => (e as HTMLElement).innerText),
    );
    await popup.close();
    return rows;
  }

  it('the welcome page saves the team domains and shows the keyboard shortcuts', async () => {
    const page = await ext.openExtensionPage('workspace.html#/welcome');
    await page.waitForSelector('[data-testid="welcome"]');
    const keys = await page.$eval('[data-testid="welcome-shortcuts"]', (e) => (e as HTMLElement).innerText);
    // As the browser has them (it may leave a suggested key unassigned; the page then says "not set").
    const commands = await ext.evaluateInWorker(() =>
      (
        globalThis as unknown as { chrome: { commands: { getAll(): Promise<{ name?: string; shortcut?: string }[]> } } }
      ).chrome.commands.getAll(),
    );
    expect(commands.map((c) => c.name).sort()).toEqual(['_execute_action', 'new-task', 'open-workspace', 'toggle-sidebar']);
    const label = {
      _execute_action: 'Search your contacts',
      'toggle-sidebar': 'Open or collapse the sidebar',
      'open-workspace': 'Open this workspace',
      'new-task': 'New task',
    };
    for (const c of commands) expect(keys).toContain(`${label[c.name as keyof typeof label]}: ${c.shortcut || 'not set'}`);
    await page.type('[data-testid="welcome-domain"]', 'not a domain');
    await page.click('[data-testid="welcome-domain-save"]');
    await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent?.includes('is not a domain'));
    await page.$eval('[data-testid="welcome-domain"]', (e) => {
      (e as HTMLInputElement).value = '';
    });
    await page.type('[data-testid="welcome-domain"]', 'Acme.example, @acme-team.example');
    await page.click('[data-testid="welcome-domain-save"]');
    await page.waitForFunction(() =>
      document.querySelector('[role="status"]')?.textContent?.startsWith('Saved: acme.example, acme-team.example'),
    );
    // The same setting as Settings → Rules.
    await page.click('[data-testid="nav-settings"]');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('textarea')).some((t) => t.value === 'acme.example\nacme-team.example'),
    );
    await page.close();
  });

  it('the open-workspace command opens the workspace', async () => {
    const tab = await workspaceTabFrom(() =>
      ext.evaluateInWorker(() => (globalThis as unknown as ChromeEvents).chrome.commands.onCommand.dispatch('open-workspace', undefined)),
    );
    expect(new URL(tab.url()).hash).toBe('#/people');
    await tab.close();
  });

  it('the new-task command opens the workspace’s new-task form', async () => {
    const tab = await workspaceTabFrom(() =>
      ext.evaluateInWorker(() => (globalThis as unknown as ChromeEvents).chrome.commands.onCommand.dispatch('new-task', undefined)),
    );
    expect(new URL(tab.url()).hash).toBe('#/tasks?new=1');
    await tab.close();
  });

  it('Save to Rapport on a mailto: link and a LinkedIn link: the person is stored and opened in the workspace', async () => {
    const mail = await workspaceTabFrom(() =>
      contextClick({
        menuItemId: 'rapport-save-link',
        linkUrl: 'mailto:%22Lindqvist%2C%20Maja%22%20%3CMaja@Nordvind.example%3E?subject=Hej',
      }),
    );
    expect(new URL(mail.url()).hash).toMatch(/^#\/people\/.+/);
    await mail.close();
    expect((await popupFinds('lindqvist')).join('\n')).toContain('maja@nordvind.example');

    const li = await workspaceTabFrom(() =>
      contextClick({ menuItemId: 'rapport-save-link', linkUrl: 'https://se.linkedin.com/in/oskar-berg-7a1b2c3?trk=x' }),
    );
    await li.close();
    expect((await popupFinds('oskar berg')).length).toBe(1);
  });

  it('a selection without an address saves nothing and says why on the toolbar button', async () => {
    await contextClick({ menuItemId: 'rapport-save-selection', selectionText: 'call me tomorrow' });
    const badge = await ext.evaluateInWorker(async () => {
      const a = (globalThis as unknown as ChromeEvents).chrome.action;
      for (let i = 0; i < 50 && !(await a.getBadgeText({})); i++) await new Promise((r) => setTimeout(r, 100));
      return { text: await a.getBadgeText({}), title: await a.getTitle({}) };
    });
    expect(badge).toEqual({ text: '!', title: 'Rapport: nothing saved — the selection holds no e-mail address.' });
    expect(await popupFinds('tomorrow')).toEqual([]);
  });
});
