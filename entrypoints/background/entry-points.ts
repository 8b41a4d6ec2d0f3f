// The ways into Rapport besides the toolbar popup: the welcome page on install, the keyboard
// commands that open the workspace (and its new-task form), and the context-menu entries ("Open the workspace" on the
// toolbar button; "Save to Rapport" on a mailto: link, a LinkedIn profile link or a selection).
import { browser } from 'wxt/browser';
import { contextSaveInput } from '../../capture/context-save';
import { upsertContact } from '../../storage/repositories';
import { recordPath, workspaceHref } from '../workspace/routes';
import { kickSync } from './sync-service';
import { showBadgeAlert } from './badge';

export const OPEN_WORKSPACE_COMMAND = 'open-workspace';
export const NEW_TASK_COMMAND = 'new-task';
const MENU = { openWorkspace: 'rapport-open-workspace', saveLink: 'rapport-save-link', saveSelection: 'rapport-save-selection' } as const;

/** Link targets "Save to Rapport" is offered on: mailto: and LinkedIn profiles (any LinkedIn host). */
export const SAVE_LINK_PATTERNS = ['mailto:*', 'https://*.linkedin.com/in/*', 'https://linkedin.com/in/*'];

export function openWorkspace(path?: string): Promise<unknown> {
  return browser.tabs.create({ url: browser.runtime.getURL(workspaceHref(path) as '/workspace.html') });
}

/** Saves what was clicked, then shows the person in the workspace; says on the toolbar button why not. */
export async function saveFromContextMenu(click: { linkUrl?: string; selectionText?: string }): Promise<void> {
  const what = contextSaveInput(click);
  if (what.kind === 'none') {
    // Over the due count for a few seconds, then the count again (badge.ts, decision 0050).
    await showBadgeAlert('!', `Rapport: nothing saved — ${what.reason}.`);
    return;
  }
  const r = await upsertContact(what.input, { type: 'manual', ref: 'context-menu', at: new Date().toISOString() });
  kickSync();
  await openWorkspace(recordPath('contact', r.contact.id));
}

function createMenus(): void {
  // Menus persist with the extension: recreate them on install and update only.
  void browser.contextMenus.removeAll().then(() => {
    browser.contextMenus.create({ id: MENU.openWorkspace, title: 'Open the Rapport workspace', contexts: ['action'] });
    browser.contextMenus.create({ id: MENU.saveLink, title: 'Save to Rapport', contexts: ['link'], targetUrlPatterns: SAVE_LINK_PATTERNS });
    browser.contextMenus.create({ id: MENU.saveSelection, title: 'Save “%s” to Rapport', contexts: ['selection'] });
  });
}

export function installEntryPoints(): void {
  browser.runtime.onInstalled.addListener(({ reason }) => {
    createMenus();
    // The welcome page, once. Test builds skip it: every e2e browser is a fresh install, and an
    // extra tab would take the focus from the page under test (tests open #/welcome themselves).
    if (reason === 'install' && !import.meta.env.RAPPORT_TEST_BUILD) void openWorkspace('/welcome');
  });
  browser.contextMenus.onClicked.addListener((info) => {
    if (info.menuItemId === MENU.openWorkspace) void openWorkspace();
    else if (info.menuItemId === MENU.saveLink) void saveFromContextMenu({ linkUrl: info.linkUrl });
    else if (info.menuItemId === MENU.saveSelection) void saveFromContextMenu({ selectionText: info.selectionText });
  });
}
