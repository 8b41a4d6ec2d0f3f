// The sidebar's layout is remembered per site; the one flag of older releases starts each site.
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RapportDB } from '../../../storage/db';
import { getSettings, rememberSidebarLayout, restoreSettings } from '../../../storage/settings';

let db: RapportDB;
let name: string;
beforeEach(async () => {
  name = `settings-layout-${Math.random()}`;
  db = new RapportDB(name);
  await db.open();
});
afterEach(async () => {
  db.close();
  await Dexie.delete(name);
});

describe('sidebar layout per site', () => {
  it('starts open at 340 px on every site', async () => {
    const { sidebar } = await getSettings(db);
    expect(sidebar).toEqual({
      gmail: { collapsed: false, width: 340 },
      outlook: { collapsed: false, width: 340 },
      linkedin: { collapsed: false, width: 340 },
    });
  });

  it('remembers collapsed and width for one site without touching the others', async () => {
    await rememberSidebarLayout('gmail', { width: 420 }, db);
    await rememberSidebarLayout('gmail', { collapsed: true }, db);
    await rememberSidebarLayout('linkedin', { collapsed: true }, db);
    const { sidebar } = await getSettings(db);
    expect(sidebar.gmail).toEqual({ collapsed: true, width: 420 });
    expect(sidebar.outlook).toEqual({ collapsed: false, width: 340 });
    expect(sidebar.linkedin).toEqual({ collapsed: true, width: 340 });
  });

  it('settings stored with the old single flag collapse every site; an old export restores the same way', async () => {
    await db.meta.put({ key: 'settings', value: { internalDomains: ['acme.test'], sidebarCollapsed: true } });
    const stored = await getSettings(db);
    expect(stored.internalDomains).toEqual(['acme.test']);
    expect(Object.values(stored.sidebar).map((s) => s.collapsed)).toEqual([true, true, true]);
    expect(stored).not.toHaveProperty('sidebarCollapsed');

    expect(await restoreSettings({ sidebarCollapsed: false, neverCapture: ['x.example'] }, db)).toBeUndefined();
    const restored = await getSettings(db);
    expect(Object.values(restored.sidebar).map((s) => s.collapsed)).toEqual([false, false, false]);
    expect(restored.neverCapture).toEqual(['x.example']);
  });

  it('a width out of bounds in stored settings falls back to the default, not to losing the settings', async () => {
    await db.meta.put({ key: 'settings', value: { internalDomains: ['acme.test'], sidebar: { gmail: { width: 1e9 } } } });
    const s = await getSettings(db);
    expect(s.internalDomains).toEqual(['acme.test']);
    expect(s.sidebar.gmail).toEqual({ collapsed: false, width: 340 });
  });
});
