// Restoring an export made before a merge (decision 0040): the file's notes, tasks and people that
// name a person merged away here follow the local redirect to the survivor, as the rest of Rapport
// does (storage/restore.ts); nothing brings the merged-away person back.
import { afterEach, describe, expect, it } from 'vitest';
import type { RapportDB } from '../../../storage/db';
import { exportParts, type ValidatedExport } from '../../../storage/export';
import { mergeContacts } from '../../../storage/merge';
import { getTimeline } from '../../../storage/queries';
import { addNote, upsertContacts } from '../../../storage/repositories';
import { createTask } from '../../../storage/tasks';
import { restoreExport } from '../../../storage/restore';
import type { Contact } from '../../../storage/schema';
import { closeDbs, freshDb, src } from '../sync/helpers';

afterEach(closeDbs);

async function exported(db: RapportDB): Promise<ValidatedExport> {
  let s = '';
  for await (const p of exportParts(db, '2026-12-07T00:00:00.000Z')) s += p;
  return JSON.parse(s) as ValidatedExport;
}

/** Ann with an address, and her phone-only record (a signature's capture) that the user merges into her. */
async function mergedPair(db: RapportDB) {
  const [ann, phoneOnly] = (await upsertContacts(
    [
      { name: 'Ann Quill', emails: ['ann@quill.example'], company: 'Quill Ltd' },
      { name: 'Ann Quill', phones: ['+441134960000'], company: 'Quill Ltd' },
    ],
    src,
    {},
    db,
  )) as { contact: Contact }[];
  return { survivor: ann.contact, merged: phoneOnly.contact };
}

describe('restoring an export that names people merged away here', () => {
  it("the file's notes and tasks of the merged person are the survivor's; the person does not come back", async () => {
    const db = await freshDb();
    const { survivor, merged } = await mergedPair(db);
    // The export is made before the merge: it holds the merged person, a note and a task for them.
    await addNote([merged.id], 'Prefers calls', src, db);
    await createTask({ title: 'Call Ann back', contactIds: [merged.id] }, src, db);
    const file = await exported(db);
    await mergeContacts(survivor.id, merged.id, {}, db);
    // Then the note and task are lost here (deleted by hand), and the old export is restored.
    await db.activities.clear();
    await db.tasks.clear();

    await restoreExport(file, undefined, db);

    expect((await db.contacts.toArray()).map((c) => c.id)).toEqual([survivor.id]);
    const timeline = await getTimeline(survivor.id, db);
    expect(
      timeline.map((i) => (i.kind === 'activity' ? [i.activity.body, i.activity.contactIds] : [i.task.title, i.task.contactIds])),
    ).toEqual([
      ['Call Ann back', [survivor.id]],
      ['Prefers calls', [survivor.id]],
    ]);
    expect((await db.contacts.toArray())[0].phones).toEqual(['+441134960000']);
  });

  it('a file holding only a note for the merged id (a selection) attaches it to the survivor', async () => {
    const db = await freshDb();
    const { survivor, merged } = await mergedPair(db);
    await mergeContacts(survivor.id, merged.id, {}, db);
    const note = {
      id: 'act_from_file',
      type: 'note' as const,
      contactIds: [merged.id],
      body: 'Met at the fair',
      occurredAt: '2026-11-02T10:00:00.000Z',
      createdAt: '2026-11-02T10:00:00.000Z',
      updatedAt: '2026-11-02T10:00:00.000Z',
      sources: [{ type: 'manual' as const, at: '2026-11-02T10:00:00.000Z' }],
    };
    await restoreExport({ contacts: [], companies: [], activities: [note], tasks: [], deals: [] }, undefined, db);
    expect((await db.activities.toArray()).find((a) => a.id === 'act_from_file')!.contactIds).toEqual([survivor.id]);
  });
});
