// What the Tasks view reads (entrypoints/workspace/tasks/task-data.ts): open tasks in due order from
// the openDueAt index, kept current by a live query as tasks are created and done (with and without
// a filter), a page of done tasks latest first, and filters by company and tag through people.
import { liveQuery } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTasks } from '../../../entrypoints/workspace/tasks/task-data';
import { createCompany } from '../../../storage/edit';
import type { UpsertResult } from '../../../storage/repositories';
import { upsertContacts } from '../../../storage/repositories';
import { createTask, setTaskDone } from '../../../storage/tasks';
import { closeDbs, freshDb, src } from '../sync/helpers';

afterEach(closeDbs);

const at = (day: number) => new Date(Date.UTC(2026, 5, day, 9)).toISOString();

async function world() {
  const db = await freshDb();
  const [ann, bob] = (
    await upsertContacts(
      [
        { name: 'Ann Quill', emails: ['ann@quill.example'], tags: ['VIP'], company: 'Quill Ltd' },
        { name: 'Bob Marsh', emails: ['bob@marsh.example'] },
      ],
      src,
      {},
      db,
    )
  ).map((r) => (r as UpsertResult).contact);
  return { db, ann, bob };
}

/** The answers of a live query until `until` passes, then the last one. */
async function follow<T>(query: () => Promise<T>, act: () => Promise<unknown>, until: (v: T) => boolean): Promise<T> {
  let last: T | undefined;
  let resolve!: () => void;
  const settled = new Promise<void>((r) => (resolve = r));
  const sub = liveQuery(query).subscribe((v) => {
    last = v;
    if (until(v)) resolve();
  });
  await new Promise((r) => setTimeout(r, 50));
  await act();
  await Promise.race([settled, new Promise((r) => setTimeout(r, 2000))]);
  sub.unsubscribe();
  return last!;
}

describe('loadTasks', () => {
  it('follows new and finished tasks live, unfiltered and filtered by tag', async () => {
    const { db, ann, bob } = await world();
    await createTask({ title: 'first', dueAt: at(3), contactIds: [bob.id] }, src, db);
    for (const f of [{}, { tag: 'vip' }]) {
      let id = '';
      const v = await follow(
        () => loadTasks(f, 10, db),
        async () => (id = (await createTask({ title: `for ann ${JSON.stringify(f)}`, dueAt: at(2), contactIds: [ann.id] }, src, db)).id),
        (d) => d.open.some((t) => t.id === id),
      );
      expect(v.open.some((t) => t.id === id)).toBe(true);
      const after = await follow(
        () => loadTasks(f, 10, db),
        () => setTaskDone(id, true, db),
        (d) => d.done.some((t) => t.id === id),
      );
      expect(after.open.some((t) => t.id === id)).toBe(false);
      expect(after.done.map((t) => t.id)).toContain(id);
    }
  });

  it('lists open tasks by due time; done ones latest first, one page at a time', async () => {
    const { db, bob } = await world();
    const ids: string[] = [];
    for (const day of [5, 1, 9, 3, 7]) ids.push((await createTask({ title: `d${day}`, dueAt: at(day), contactIds: [bob.id] }, src, db)).id);
    for (const id of ids.slice(0, 3)) await setTaskDone(id, true, db);
    const page = await loadTasks({}, 2, db);
    expect(page.open.map((t) => t.title)).toEqual(['d3', 'd7']);
    expect(page.done.map((t) => t.title)).toEqual(['d9', 'd5']);
    expect(page.moreDone).toBe(true);
    expect((await loadTasks({}, 3, db)).moreDone).toBe(false);
    expect(page.people.get(bob.id)?.name).toBe('Bob Marsh');
  });

  it('a company filter keeps its own tasks and those of the people who work there; a tag filter those of people with it', async () => {
    const { db, ann, bob } = await world();
    const other = await createCompany({ name: 'Other Co' }, db);
    const quillId = (await db.contacts.where('id').equals(ann.id).first())!.companyId!;
    await createTask({ title: 'ann', dueAt: at(1), contactIds: [ann.id] }, src, db);
    await createTask({ title: 'bob', dueAt: at(2), contactIds: [bob.id] }, src, db);
    await createTask({ title: 'other', dueAt: at(3), contactIds: [], companyId: other.id }, src, db);
    const titles = async (f: object) => (await loadTasks(f, 10, db)).open.map((t) => t.title);
    expect(await titles({ company: quillId })).toEqual(['ann']);
    expect(await titles({ company: other.id })).toEqual(['other']);
    expect(await titles({ tag: 'vip' })).toEqual(['ann']);
    expect(await titles({ person: bob.id })).toEqual(['bob']);
    const all = await loadTasks({}, 10, db);
    expect(all.choices.companies.map((c) => c.name)).toEqual(['Other Co', 'Quill Ltd']);
    expect(all.choices.people.map((p) => p.name)).toEqual(['Ann Quill', 'Bob Marsh']);
  });
});
