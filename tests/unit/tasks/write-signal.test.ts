// Writes a realm committed reach its listeners (storage/write-signal.ts), whatever module makes
// them: pages use it to start a stopped service worker after a task, cadence or settings write.
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { RapportDB } from '../../../storage/db';
import { upsertContacts } from '../../../storage/repositories';
import { updateSettings } from '../../../storage/settings';
import { createTask, setTaskDone } from '../../../storage/tasks';
import { type CommittedWrite, onCommittedWrite, writeSignalOf } from '../../../storage/write-signal';

const src = { type: 'manual' as const, at: '2026-01-01T00:00:00.000Z' };
let db: RapportDB | undefined;
let stop: (() => void) | undefined;
afterEach(async () => {
  stop?.();
  db?.close();
  if (db) await Dexie.delete(db.name);
});

async function recording() {
  db = new RapportDB(`ws-${Math.random().toString(36).slice(2)}`);
  await db.open();
  const seen: CommittedWrite[] = [];
  stop = onCommittedWrite((w) => seen.push(w));
  const signals = async () => {
    await new Promise((r) => setTimeout(r, 10));
    return [...new Set(seen.map(writeSignalOf).filter(Boolean))];
  };
  return { db, seen, signals };
}

describe('committed writes', () => {
  it('a task created and marked done signals "tasks"', async () => {
    const { db, signals, seen } = await recording();
    const t = await createTask({ title: 'Call', contactIds: [], dueAt: '2026-12-01T09:00:00Z' }, src, db);
    expect(await signals()).toEqual(['tasks']);
    seen.length = 0;
    await setTaskDone(t.id, true, db);
    expect(await signals()).toEqual(['tasks']);
  });

  it('a person given a cadence signals "cadence"; one without does not', async () => {
    const { db, signals, seen } = await recording();
    await upsertContacts([{ name: 'Ann', emails: ['ann@x.example'] }], src, {}, db);
    expect(await signals()).toEqual([]);
    seen.length = 0;
    await upsertContacts([{ name: 'Bob', emails: ['bob@x.example'], cadenceDays: 30 }], src, {}, db);
    expect(await signals()).toEqual(['cadence']);
  });

  it('the settings written signal "settings"', async () => {
    const { db, signals } = await recording();
    await updateSettings({ tagCadences: [{ tag: 'client', days: 30 }] }, db);
    expect(await signals()).toEqual(['settings']);
  });

  it('a write rolled back is not signalled', async () => {
    const { db, signals } = await recording();
    await db
      .transaction('rw', db.tasks, async () => {
        await db.tasks.add({ id: 'tk_x', title: 'x', done: false, contactIds: [], createdAt: src.at, updatedAt: src.at, sources: [src] });
        throw new Error('abort');
      })
      .catch(() => undefined);
    expect(await signals()).toEqual([]);
  });
});
