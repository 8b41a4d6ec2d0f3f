// The link journal: a commit records its batch's remote ids as one row, folded into `links` later.
// What a user would notice if it went wrong: a pushed person without its CRM id (a later edit
// creates a duplicate, a pulled copy gets linked instead), or an old id winning over a new one.
import { afterEach, describe, expect, it } from 'vitest';
import { upsertContacts } from '../../../storage/repositories';
import { removeConnectorInstance } from '../../../sync/connectors';
import { runOnce } from '../../../sync/engine';
import { foldLinkJournal, LINK_JOURNAL_PREFIX, linkJournalKey } from '../../../sync/link-journal';
import { applyPullPage } from '../../../sync/pull';
import { closeDbs, setup, src } from './helpers';

afterEach(closeDbs);

const journalRows = (db: Awaited<ReturnType<typeof setup>>['db']) => db.syncState.where('key').startsWith(LINK_JOURNAL_PREFIX).count();

/**
 * What a worker killed after a commit and before the fold leaves: Pia was pushed as
 * `pushed-record`, her entry is gone, and the link is only in the journal.
 */
async function pushedByDeadRun() {
  const ctx = await setup({ kinds: ['contact'] });
  const [r] = await upsertContacts([{ name: 'Pia', emails: ['pia@x.io'] }], src, {}, ctx.db);
  if (r instanceof Error) throw r;
  await ctx.db.outbox.clear();
  await ctx.db.syncState.put({
    key: linkJournalKey(ctx.inst.id, Date.now(), 'eng_dead', 0),
    linkJournal: { connectorId: ctx.inst.id, kind: 'contact', syncedAt: Date.now(), links: [[r.contact.id, 'pushed-record']] },
  });
  return { ...ctx, pia: r.contact };
}

describe('link journal', () => {
  it('a run ends with every link folded into the links table and no journal left', async () => {
    const { db, crm, registry, engineOpts, inst } = await setup({ batchSize: 3, kinds: ['contact'] });
    const people = await upsertContacts(
      Array.from({ length: 10 }, (_, i) => ({ name: `P${i}`, emails: [`p${i}@x.io`] })),
      src,
      {},
      db,
    );
    await runOnce(db, registry, engineOpts());
    expect(await journalRows(db)).toBe(0);
    for (const r of people) {
      if (r instanceof Error) throw r;
      expect((await db.links.get([inst.id, 'contact', r.contact.id]))?.remoteId).toBe(crm.records.get(`contact|${r.contact.id}`)!.remoteId);
    }
  });

  it('links journaled by a run that died before folding them are seen by a pull and folded by the next run', async () => {
    const { db, crm, registry, engineOpts, inst, pia } = await pushedByDeadRun();
    // The CRM sends that person back under another record id: the person keeps the link it was pushed with.
    await applyPullPage(
      db,
      inst.id,
      { contacts: [{ remoteId: 'other-record', contact: { emails: ['pia@x.io'] } }], cursor: 'c1', more: false },
      'pull-test',
      (row) => row,
    );
    expect((await db.links.get([inst.id, 'contact', pia.id]))?.remoteId).toBe('pushed-record');
    expect(await journalRows(db)).toBe(0);
    // A later edit updates that record (by its id) rather than creating one.
    await upsertContacts([{ name: 'Pia', emails: ['pia@x.io'], title: 'CFO' }], src, {}, db);
    await runOnce(db, registry, engineOpts());
    expect(crm.pushes.at(-1)!.items[0].remoteId).toBe('pushed-record');
  });

  it('a run folds what a dead run journaled before it pushes: an edit updates the pushed record', async () => {
    const { db, crm, registry, engineOpts } = await pushedByDeadRun();
    await upsertContacts([{ name: 'Pia', emails: ['pia@x.io'], title: 'CFO' }], src, {}, db);
    await runOnce(db, registry, engineOpts());
    expect(crm.pushes).toHaveLength(1);
    expect(crm.pushes[0].items[0].remoteId).toBe('pushed-record');
  });

  it('folds oldest first: a later link of a record replaces an earlier one, whatever the writing runs were called', async () => {
    const { db, inst } = await setup({ kinds: ['contact'] });
    const j = (remoteId: string) => ({
      connectorId: inst.id,
      kind: 'contact' as const,
      syncedAt: 1,
      links: [['ct_a', remoteId]] as [string, string][],
    });
    await db.syncState.bulkPut([
      { key: linkJournalKey(inst.id, 2_000, 'eng_aaaa', 0), linkJournal: j('new') },
      { key: linkJournalKey(inst.id, 1_000, 'eng_zzzz', 7), linkJournal: j('old') },
    ]);
    expect(await foldLinkJournal(db)).toBe(2);
    expect((await db.links.get([inst.id, 'contact', 'ct_a']))?.remoteId).toBe('new');
    expect(await journalRows(db)).toBe(0);
  });

  it('removing the connection drops its journal', async () => {
    const { db, inst } = await setup({ kinds: ['contact'] });
    await db.syncState.put({
      key: linkJournalKey(inst.id, 1, 'eng_x', 0),
      linkJournal: { connectorId: inst.id, kind: 'contact', syncedAt: 1, links: [['ct_a', 'r1']] },
    });
    await removeConnectorInstance(db, inst.id);
    expect(await journalRows(db)).toBe(0);
    expect(await db.links.count()).toBe(0);
  });
});
