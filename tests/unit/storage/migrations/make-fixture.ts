// Writes one migration fixture with the code of the release that had that schema version:
//
//   npx vite-node tests/unit/storage/migrations/make-fixture.ts <version> <commit> [rebuilding]
//
// The commit's storage/, sync/ and connectors/ are extracted to a temporary folder and its own
// repositories write the data set below into a fake-indexeddb database (records, merge rules,
// company links, search index, settings, outbox entries as that release queued them). What the
// sync engine of that release would have left (links, an entry leased by a worker that died,
// failed and dead entries, batch lease rows, the link journal…) is then written in that release's
// row shapes. The database's tables are dumped to v<version>.json beside this file, together with
// the stores each of its versions declared. Run once per new schema version; the fixtures of older
// versions are never regenerated (they are what those releases left). With `rebuilding` (releases
// with the resumable index rebuild, v5 on), the database is left half-way through a rebuild of its
// index, with changes made meanwhile, as v<version>-rebuilding.json.
import 'fake-indexeddb/auto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DatabaseDump, dumpTables, stringifyDump } from './dump';

process.on('unhandledRejection', (e) => {
  console.error(e);
  process.exit(1);
});
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');
const [versionArg, commit, variant] = process.argv.slice(2);
const version = Number(versionArg);
if (!version || !commit) throw new Error('usage: make-fixture.ts <version> <commit>');

const era = mkdtempSync(join(tmpdir(), `rapport-v${version}-`));
const folders = ['storage', 'sync', 'connectors'].filter((f) => execFileSync('git', ['-C', repoRoot, 'ls-tree', commit, f]).length > 0);
const archive = execFileSync('git', ['-C', repoRoot, 'archive', commit, ...folders], { maxBuffer: 1 << 28 });
mkdirSync(era, { recursive: true });
execFileSync('tar', ['-x', '-C', era], { input: archive });
symlinkSync(resolve(repoRoot, 'node_modules'), join(era, 'node_modules'));

/* eslint-disable @typescript-eslint/no-explicit-any -- the modules of another release, loaded by path */
const dbModule: any = await import(join(era, 'storage/db.ts'));
const repo: any = await import(join(era, 'storage/repositories.ts'));
const settingsModule: any = await import(join(era, 'storage/settings.ts')).catch(() => undefined);
// Tasks moved to storage/tasks.ts at v10.
const tasksModule: any = (await import(join(era, 'storage/tasks.ts')).catch(() => undefined)) ?? repo;

const db = new dbModule.RapportDB(`make-fixture-v${version}`);
await db.open();
const declared: Record<string, Record<string, string | null>> = {};
for (const v of db._versions as { _cfg: { version: number; storesSource: Record<string, string | null> } }[]) {
  if (v._cfg.version <= version) declared[v._cfg.version] = v._cfg.storesSource;
}

// The engine's times are epoch ms near the records' own (written now by that release's code).
const T0 = Date.now();
const NEVER = Number.MAX_SAFE_INTEGER;
const CI = 'ci_memory';
const src = { type: 'manual', at: '2026-11-23T10:00:00.000Z' };
const mail = { type: 'gmail', ref: 'thread-1', at: '2026-11-23T10:05:00.000Z' };

if (version >= 3) {
  // A connector instance configured before the records were captured: their changes are queued.
  await db.connectors.put({
    id: CI,
    type: 'memory',
    name: 'Memory CRM',
    config: { url: 'https://crm.test' },
    enabled: true,
    kinds: ['contact', 'company', 'email', 'note', 'task'],
    direction: 'push',
    fieldMapping: {},
    status: { lastSuccessAt: T0 - 60_000, lastRunAt: T0 - 60_000 },
    createdAt: T0 - 3_600_000,
    updatedAt: T0 - 3_600_000,
  });
  await db.secrets.put({ connectorId: CI, values: { token: 'tok-secret-123456' } });
}

// ---------------------------------------------------------------- the records, through that release's repositories
const up = async (input: object, source = src) => (await repo.upsertContact(input, source, {}, db)).contact;
const lukasz = await up({ name: 'Łukasz Wróbel', emails: [' LW@Firma.PL '], company: 'Firma Sp. z o.o.', title: 'Dyrektor' });
const jose = await up({
  name: 'José Müller',
  firstName: 'José',
  lastName: 'Müller',
  emails: ['Jose.Muller@Acme-Bau.de', 'jose.mueller@gmail.com'],
  phones: ['+49 30 1234567'],
  company: 'Acme Bau GmbH',
  location: 'Köln',
  linkedinUrl: 'https://de.linkedin.com/in/Jos%C3%A9-Muller-1?trk=public',
  tags: ['vip', 'Kunde'],
  stage: 'customer',
});
const zoe = await up({ name: 'Zoë 😀 Ng', emails: ['"Zoë Ng" <Zoe.Ng@Example.ORG>'] });
const gone = await up({ name: 'Temporary Person', emails: ['temp@gone.example'] });
const onlyEmail = await up({ emails: ['mailto:Only.Email@Nowhere.io'] });
const yamada = await up({ name: '山田 太郎', emails: ['yamada@例え.jp'], title: '部長' });
const sokratis = await up({ name: 'Σωκράτης Παπαδόπουλος', title: 'Φιλόσοφος', location: 'Αθήνα' });
const ana = await up({ name: 'Ana Pérez', emails: ['ana.perez@acme-bau.de'], company: 'Acme Bau GmbH' });
// Deleted after others were added: its number stays a gap.
await repo.deleteContact(gone.id, db);
// The same address in another case: merged into Ana, not a second person.
await up({ name: 'Ana P.', emails: ['ANA.PEREZ@ACME-BAU.DE'], title: 'CTO', location: 'Madrid' });
if (version >= 8) {
  // A Sales Navigator lead without a public profile (its ids only), saved twice: one person. Then a
  // Recruiter candidate whose public profile is José's: merged into him, his URNs added.
  const lead = {
    name: 'Øystein Ærø',
    title: 'Innkjøpssjef',
    company: 'Fjord Handel AS',
    linkedinUrns: ['urn:li:fs_salesProfile:ACwAAFixtureLead0001'],
  };
  await up(lead, { type: 'linkedin', ref: 'https://www.linkedin.com/sales/lead/ACwAAFixtureLead0001', at: src.at } as typeof src);
  await up({ ...lead, linkedinUrns: [...lead.linkedinUrns, 'urn:li:fsd_profile:ACoAAFixtureMember0001'] });
  await up({
    name: 'José Müller',
    linkedinUrl: 'https://www.linkedin.com/in/josé-muller-1/',
    linkedinUrns: ['urn:li:ts_profile:AEMAAFixtureCandidate01', 'urn:li:member:700000042'],
  });
}
if (version >= 9) {
  // A LinkedIn-only capture and an e-mail contact of one person, merged (the LinkedIn one's id now
  // resolves to the other); a pair the user said are two people.
  const merge: any = await import(join(era, 'storage/merge.ts'));
  const duplicates: any = await import(join(era, 'storage/duplicates.ts'));
  const kai = await up({ name: 'Kai Lindqvist', emails: ['kai@nordlys.example'], company: 'Nordlys AB' });
  const kaiOnLinkedin = await up(
    { name: 'Kai Lindqvist', company: 'Nordlys AB', title: 'Säljchef', linkedinUrl: 'https://www.linkedin.com/in/kai-lindqvist/' },
    { type: 'linkedin', ref: 'https://www.linkedin.com/in/kai-lindqvist/', at: src.at } as typeof src,
  );
  await merge.mergeContacts(kai.id, kaiOnLinkedin.id, {}, db);
  await duplicates.dismissPair(ana.id, lukasz.id, db);
}
// (upsertCompany came after the first release: its companies were made from contacts only.)
await repo.upsertCompany?.({ name: 'Ørsted Ænergi A/S', domain: 'https://www.orsted-energi.dk/om-os', industry: 'Energi' }, src, db);
const { added } = await repo.addActivities(
  [
    {
      type: 'email',
      contactIds: [jose.id, ana.id],
      subject: 'Angebot für Q3 — Rückfrage',
      snippet: 'Grüße aus Köln, anbei das überarbeitete Angebot',
      body: 'Hallo Ana,\n\nanbei das überarbeitete Angebot.\n\nGrüße aus Köln\nJosé',
      occurredAt: '2026-11-20T09:30:00.000Z',
      direction: 'incoming',
      threadId: 'thread-1',
      messageId: '<m1@acme-bau.de>',
      participants: [
        { email: 'jose.muller@acme-bau.de', name: 'José Müller', role: 'from' },
        { email: 'ana.perez@acme-bau.de', name: 'Ana Pérez', role: 'to' },
      ],
    },
    { type: 'meeting', contactIds: [lukasz.id], subject: 'Spotkanie w Łodzi', occurredAt: '2026-11-21T14:00:00.000Z' },
  ],
  mail,
  db,
);
const [email] = added;
const note = await repo.addNote([zoe.id], 'Rückruf vereinbart: naïve café résumé', src, db);
const task = await tasksModule.createTask(
  { title: 'Angebot nachfassen', contactIds: [jose.id], dueAt: '2026-11-30T09:00:00.000Z' },
  src,
  db,
);
if (version >= 10) {
  // Tasks with a reminder (far ahead: a worker opening the database would show a past one and mark
  // it, changing the row), a priority, and one done (v10: reminders, the due list's index).
  await tasksModule.createTask(
    { title: 'Rückruf', contactIds: [jose.id], dueAt: '2099-12-01T08:30:00.000Z', remindBefore: 15, priority: 'high' },
    src,
    db,
  );
  const done = await tasksModule.createTask({ title: 'Send the offer', contactIds: [jose.id], dueAt: '2026-11-20T09:00:00.000Z' }, src, db);
  await tasksModule.setTaskDone(done.id, true, db, new Date('2026-11-21T10:00:00.000Z'));
}
if (version >= 11) {
  // Pipelines (v11): the defaults, a deal moved once, a case with its SLA.
  const pipelines: any = await import(join(era, 'storage/pipelines.ts'));
  const deal = await pipelines.createItem(
    'pl_sales',
    { title: 'Acme Bau Rollout', contactIds: [jose.id], amount: 48000, currency: 'EUR' },
    src,
    db,
  );
  await pipelines.moveItemTo(deal.id, 'proposal', db, new Date('2026-11-25T10:00:00.000Z'));
  await pipelines.createItem(
    'pl_service',
    { title: 'Lieferung beschädigt', contactIds: [jose.id], category: 'complaint', priority: 'high' },
    src,
    db,
  );
}
if (version < 12) {
  // The old deals table (every fixture before v12 has a deal, which the v12 upgrade moves into the
  // Sales pipeline). From v12 on deals are pipeline items, made above.
  await repo.saveDeal(
    { name: 'Acme Bau Rahmenvertrag', stage: 'qualified', amount: 120000, currency: 'EUR', contactIds: [jose.id] },
    src,
    db,
  );
}
// Addresses as pages and files give them: an accent decomposed (macOS), a zero-width space pasted
// from a web page. That release's normalizeEmail kept both as they were.
const rene = await up({ name: 'René Vogel', emails: ['Rene\u0301.Vogel@Vogel.example'] });
const pia = await up({ name: 'Pia Nullbreite', emails: ['pia\u200b.n@zero.example'] });
// Restored from a Rapport export edited by hand or written by another tool: restore stores the
// addresses as the file has them.
// Restore moved from storage/export.ts to storage/restore.ts during version 7.
const { restoreExport } = await import(join(era, existsSync(join(era, 'storage/restore.ts')) ? 'storage/restore.ts' : 'storage/export.ts'));
const restoredAt = '2026-11-01T08:00:00.000Z';
await restoreExport(
  {
    contacts: [
      {
        id: 'ct_restored_1',
        name: 'Marta Restored',
        emails: ['Marta.Restored@Case.EXAMPLE', ' mailto:m.r@case.example'],
        phones: [],
        tags: ['restored'],
        createdAt: restoredAt,
        updatedAt: restoredAt,
        sources: [{ type: 'import', ref: 'rapport-export-2026-11-01.json', at: restoredAt }],
      },
    ],
    companies: [],
    activities: [],
    tasks: [],
    deals: [],
  },
  undefined,
  db,
);
void rene;
void pia;
if (settingsModule?.updateSettings) {
  await settingsModule.updateSettings(
    { internalDomains: ['rapport.example'], neverCapture: ['noreply@bank.example', 'hr.example'], sidebarCollapsed: true },
    db,
  );
}

// ---------------------------------------------------------------- what that release's sync engine left behind
if (version >= 3) {
  const key = (kind: string, localId: string) => `${CI}|${kind}|${localId}`;
  const companyOf = (await db.contacts.where('id').equals(lukasz.id).first()).companyId as string;
  const link = (kind: string, localId: string, remoteId: string) =>
    db.links.put({ connectorId: CI, kind, localId, remoteId, syncedAt: T0 - 120_000 });
  // Pushed: entry gone, link written (the engine's commit does both in one transaction).
  for (const [kind, localId, remoteId] of [
    ['contact', lukasz.id, 'crm-c-1'],
    ['company', companyOf, 'crm-co-1'],
    ['email', email.id, 'crm-e-1'],
    ['contact', jose.id, 'crm-c-2'],
  ]) {
    await db.outbox.delete(key(kind, localId));
    await link(kind, localId, remoteId);
  }
  // Changed after it was pushed: queued again, an update of the linked remote record.
  await repo.updateContact(jose.id, { title: 'Geschäftsführer' }, src, db);
  // A transient failure, retried later; a permanent one, kept for the user.
  await db.outbox.update(key('contact', zoe.id), {
    state: 'failed',
    attempts: 2,
    nextAt: T0 + 30_000,
    lastError: 'HTTP 503',
    lastErrorKind: 'transient',
  });
  await db.outbox.update(key('contact', yamada.id), {
    state: 'dead',
    attempts: 1,
    nextAt: NEVER,
    lastError: 'Property values were not valid: email',
    lastErrorKind: 'validation',
  });
  const anaKey = key('contact', ana.id);
  const noteKey = key('note', note.id);
  if (version < 6) {
    // In flight when its worker died: leased one entry at a time (before DB v6), not fresh any more.
    const anaEntry = await db.outbox.get(anaKey);
    delete anaEntry.fresh;
    await db.outbox.put({ ...anaEntry, state: 'leased', leaseOwner: 'worker-dead', leaseUntil: T0 + 120_000, nextAt: T0 + 120_000 });
  } else {
    // In flight when its worker died: batch lease rows (entries untouched), in both row formats.
    const anaEntry = await db.outbox.get(anaKey);
    await db.syncState.put({
      key: 'batch|worker-dead|0',
      batch: {
        owner: 'worker-dead',
        connectorId: CI,
        kind: 'contact',
        until: T0 + 120_000,
        entries: [[anaKey, anaEntry.version, anaEntry.createdAt]],
      },
    });
    await db.syncState.put({
      key: 'batch|worker-dead|1',
      batch: { owner: 'worker-dead', connectorId: CI, kind: 'note', until: T0 + 120_000, localIds: [note.id] },
    });
    // Pushed, its link still in the journal (not yet folded into links).
    await db.outbox.delete(key('contact', sokratis.id));
    const { linkJournalKey } = await import(join(era, 'sync/link-journal.ts'));
    await db.syncState.put({
      key: linkJournalKey(CI, T0 - 90_000, 'worker-dead', 0),
      linkJournal: { connectorId: CI, kind: 'contact', syncedAt: T0 - 90_000, links: [[sokratis.id, 'crm-c-3']] },
    });
  }
  void noteKey;
  await db.syncState.put({ key: 'engine', lease: { owner: 'worker-dead', until: T0 + 120_000 } });
  await db.syncState.put({
    key: `connector:${CI}`,
    limiter: { spent: [T0 - 2_000, T0 - 1_000] },
    ...(version >= 4 ? { nextPullAt: T0 + 300_000, lastPullAt: T0 - 300_000 } : {}),
  });
  if (version >= 4) {
    await db.crmCache.put({
      key: `${CI}|jose.muller@acme-bau.de`,
      connectorId: CI,
      email: 'jose.muller@acme-bau.de',
      fetchedAt: T0 - 10_000,
      found: {
        remoteId: 'crm-c-2',
        owner: 'Kim Berg',
        stage: 'customer',
        deals: [{ name: 'Rahmenvertrag', amount: 120000, currency: 'EUR' }],
        fields: { lifecyclestage: 'customer' },
      },
    });
    await db.crmCache.put({ key: `${CI}|yamada@例え.jp`, connectorId: CI, email: 'yamada@例え.jp', fetchedAt: T0 - 20_000, found: null });
  }
}
void task;

if (variant === 'rebuilding') {
  // Stopped half-way through a rebuild (a worker killed), after changes behind and ahead of it.
  const rebuild: any = await import(join(era, 'storage/index-rebuild.ts'));
  await db.transaction('rw', db.postings, db.prefixes, db.meta, (tx: unknown) => rebuild.startIndexRebuild(tx));
  await rebuild.rebuildIndexStep(db, 3);
  await repo.updateContact(lukasz.id, { title: 'Prezes', location: 'Łódź' }, src, db);
  await repo.updateContact(onlyEmail.id, { name: 'Olga Émail' }, src, db);
  await repo.upsertContact({ name: 'Ingrid Ødegård', emails: ['ingrid@fjord.no'] }, src, {}, db);
  if (!(await rebuild.rebuildState(db))) throw new Error('the rebuild finished: nothing is left half-way');
} else if (variant) throw new Error(`unknown variant ${variant}`);

const tableNames = [
  ...new Set(
    Object.values(declared).flatMap((stores) =>
      Object.entries(stores)
        .filter(([, s]) => s !== null)
        .map(([t]) => t),
    ),
  ),
];
const dump: DatabaseDump = {
  version,
  writtenBy: execFileSync('git', ['-C', repoRoot, 'log', '-1', '--format=%h %s', commit]).toString().trim().slice(0, 120),
  stores: declared,
  tables: await dumpTables(db, tableNames),
};
db.close();
const out = join(here, `v${version}${variant ? `-${variant}` : ''}.json`);
writeFileSync(out, stringifyDump(dump));
console.log(
  `wrote ${out}: ${Object.entries(dump.tables)
    .map(([t, r]) => `${t} ${r.length}`)
    .join(', ')}`,
);
