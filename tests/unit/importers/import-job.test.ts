// The import job against a real (fake-indexeddb) database: re-importing adds nothing, a storage failure
// leaves whole batches and says where it stopped, an export restore keeps newer local records, normalises
// e-mails, queues what it wrote for sync and restores settings but never secrets.
import Dexie, { type DBCore, type DBCoreMutateRequest } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvBatches, runImport } from '../../../importers/import-job';
import { RapportDB } from '../../../storage/db';
import { exportParts } from '../../../storage/export';
import { getSettings, updateSettings } from '../../../storage/settings';
import type { Contact } from '../../../storage/schema';
import type { ConnectorInstance } from '../../../storage/sync-rows';

let db: RapportDB;
let dbName: string;
/** Set by a test: the write that makes it return true fails as a full disk would. */
let failWrite: ((table: string, req: DBCoreMutateRequest) => boolean) | null = null;

beforeEach(async () => {
  dbName = `t-${Math.random().toString(36).slice(2)}`;
  db = new RapportDB(dbName);
  // The browser's QuotaExceededError, raised by the storage layer below Dexie.
  db.use({
    stack: 'dbcore',
    name: 'full-disk',
    create: (down: DBCore): DBCore => ({
      ...down,
      table: (name) => {
        const t = down.table(name);
        return {
          ...t,
          mutate: (req) =>
            failWrite?.(name, req) ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : t.mutate(req),
        };
      },
    }),
  });
  await db.open();
  failWrite = null;
});
afterEach(async () => {
  failWrite = null;
  db.close();
  await Dexie.delete(dbName);
});

const file = (text: string, name: string) => Object.assign(new Blob([text]), { name });
const values = (req: DBCoreMutateRequest): unknown[] => ('values' in req ? (req.values as unknown[]) : []);

const connector: ConnectorInstance = {
  id: 'hs1',
  type: 'hubspot',
  name: 'HubSpot',
  config: { portal: '1' },
  enabled: true,
  kinds: ['contact', 'company', 'note', 'email', 'task', 'deal'],
  direction: 'push',
  fieldMapping: {},
  status: {},
  createdAt: 0,
  updatedAt: 0,
};

describe('CSV and vCard notes have a stable identity', () => {
  const csv = [
    'Name,Email,Notes',
    'Ann Lee,ann@example.com,Met at the Madrid fair',
    'Bo Chen,bo@example.com,"Prefers calls\nafter 3pm"',
    'Cy Diaz,cy@example.com,',
    // No e-mail: found again by the id its name (and company, phones) give it.
    'Dee Evans,,Call back in May',
  ].join('\n');

  it('re-importing the same CSV adds no contact and no note', async () => {
    const first = await runImport(file(csv, 'people.csv'), undefined, db);
    expect(first).toMatchObject({ imported: 4, created: 4, notes: 3 });
    const second = await runImport(file(csv, 'people.csv'), undefined, db);
    expect(second).toMatchObject({ imported: 4, created: 0, merged: 4, notes: 0 });
    expect((await db.contacts.toArray()).map((c) => c.name).sort()).toEqual(['Ann Lee', 'Bo Chen', 'Cy Diaz', 'Dee Evans']);
    const notes = await db.activities.toArray();
    expect(notes.map((n) => n.body).sort()).toEqual(['Call back in May', 'Met at the Madrid fair', 'Prefers calls\nafter 3pm']);
  });

  it('people without e-mail: the same name at another company, or with other phones, is another person', async () => {
    const rows = ['Name,Company,Phone', 'Dee Evans,Acme,', 'Dee Evans,Globex,', 'Dee Evans,Globex,+1 415 555 0100', 'DEE EVANS,acme,'];
    await runImport(file(rows.join('\n'), 'a.csv'), undefined, db);
    await runImport(file(rows.join('\n'), 'a.csv'), undefined, db);
    expect((await db.contacts.toArray()).map((c) => `${c.name}/${c.company}/${c.phones.join()}`).sort()).toEqual([
      'Dee Evans/Acme/',
      'Dee Evans/Globex/',
      'Dee Evans/Globex/+14155550100',
    ]);
  });

  it('re-importing the same vCard file adds no note; a changed note is a new one', async () => {
    const card = (note: string) => `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEMAIL:ann@example.com\r\nNOTE:${note}\r\nEND:VCARD\r\n`;
    await runImport(file(card('Likes tea'), 'a.vcf'), undefined, db);
    await runImport(file(card('Likes tea'), 'a.vcf'), undefined, db);
    expect(await db.activities.count()).toBe(1);
    await runImport(file(card('Likes coffee now'), 'a.vcf'), undefined, db);
    expect((await db.activities.toArray()).map((a) => a.body).sort()).toEqual(['Likes coffee now', 'Likes tea']);
  });
});

describe('a large CSV is written in few, large transactions', () => {
  it('30,000 rows (1.6 MB) come in two batches, 20,000 and 10,000, not one per slice read', async () => {
    const lines = ['Name,Email,Company'];
    for (let i = 0; i < 30_000; i++) lines.push(`Person ${i} Example,person.number${i}@corp${i % 300}.example,Corp ${i % 300}`);
    const sizes: number[] = [];
    for await (const b of csvBatches(lines.join('\n'))) if (b.rows.length) sizes.push(b.rows.length);
    expect(sizes).toEqual([20_000, 10_000]);
  });
});

describe('a storage failure stops the import cleanly', () => {
  it('QuotaExceededError in the third batch: two whole batches stored, nothing of the third, and where it stopped', async () => {
    await db.connectors.put(connector);
    const rows = Array.from({ length: 25 }, (_, i) => `Person ${i},p${i}@corp.example,Note ${i}`);
    const csv = ['Name,Email,Notes', ...rows].join('\n');
    // The third batch (rows 22–26 in spreadsheet numbering) cannot be written.
    failWrite = (table, req) => table === 'contacts' && values(req).some((v) => (v as Contact).emails?.includes('p20@corp.example'));
    const summary = await runImport(file(csv, 'people.csv'), undefined, db, 10);
    expect(summary.stopped).toEqual({
      at: 'row 22',
      reason: expect.stringMatching(/no storage space left for Rapport \(QuotaExceededError\)/),
    });
    expect(summary).toMatchObject({ imported: 20, created: 20, notes: 20 });
    const contacts = await db.contacts.toArray();
    expect(contacts.map((c) => c.name).sort()).toEqual(
      rows
        .slice(0, 20)
        .map((r) => r.split(',')[0])
        .sort(),
    );
    // Every stored note belongs to a stored person, and only what was stored is queued for sync.
    const ids = new Set(contacts.map((c) => c.id));
    const notes = await db.activities.toArray();
    expect(notes).toHaveLength(20);
    expect(notes.every((n) => n.contactIds.every((id) => ids.has(id)))).toBe(true);
    const queued = await db.outbox.toArray();
    expect(
      queued
        .filter((e) => e.kind === 'contact')
        .map((e) => e.localId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(queued.filter((e) => e.kind === 'note')).toHaveLength(20);

    // The rest can be imported once there is room: nothing is duplicated.
    failWrite = null;
    const again = await runImport(file(csv, 'people.csv'), undefined, db, 10);
    expect(again.stopped).toBeUndefined();
    expect(again).toMatchObject({ created: 5, merged: 20, notes: 5 });
    expect(await db.contacts.count()).toBe(25);
    expect(await db.activities.count()).toBe(25);
  });
});

const at = (d: number) => new Date(Date.UTC(2026, 0, d)).toISOString();
const src = { type: 'manual' as const, at: at(1) };
const contact = (id: string, name: string, updatedAt: string, emails: string[] = []): Contact => ({
  id,
  name,
  emails,
  phones: [],
  tags: [],
  createdAt: at(1),
  updatedAt,
  sources: [src],
});
const exportText = (parts: Record<string, unknown>) =>
  JSON.stringify({
    format: 'rapport-export',
    version: 1,
    exportedAt: at(10),
    contacts: [],
    companies: [],
    activities: [],
    tasks: [],
    deals: [],
    ...parts,
  });

async function exportedText(): Promise<string> {
  let s = '';
  for await (const p of exportParts(db, at(20))) s += p;
  return s;
}

describe('restoring an export', () => {
  it('keeps a local record newer than the file, takes a newer one from the file, normalises e-mails, queues what it wrote', async () => {
    await db.connectors.put(connector);
    await db.transaction('rw', db.contacts, async () => {
      await db.contacts.bulkAdd([
        { ...contact('ct_newer_here', 'Edited here', at(5)), n: 1 },
        { ...contact('ct_older_here', 'Old here', at(2)), n: 2 },
      ]);
    });
    const text = exportText({
      contacts: [
        contact('ct_newer_here', 'From the file', at(3)),
        contact('ct_older_here', 'Newer in the file', at(4)),
        contact('ct_new', 'New Person', at(4), [
          '  Ann.Lee@Example.COM ',
          'Ann Lee <ann.lee@example.com>',
          'mailto:second@Example.org',
          'not-an-email',
        ]),
      ],
      tasks: [{ id: 'tk_1', title: 'Call', done: false, contactIds: ['ct_new'], createdAt: at(1), updatedAt: at(1), sources: [src] }],
    });
    const summary = await runImport(file(text, 'backup.json'), undefined, db);
    expect(summary).toMatchObject({ kind: 'json', imported: 3, created: 2, merged: 1, kept: 1 });
    expect(summary.stopped).toBeUndefined();
    expect(summary.errors).toEqual([
      expect.objectContaining({
        collection: 'contacts',
        index: 2,
        severity: 'warning',
        message: expect.stringMatching(/invalid email "not-an-email"/),
      }),
    ]);
    const byId = new Map((await db.contacts.toArray()).map((c) => [c.id, c]));
    expect(byId.get('ct_newer_here')?.name).toBe('Edited here');
    expect(byId.get('ct_older_here')?.name).toBe('Newer in the file');
    expect(byId.get('ct_new')?.emails).toEqual(['ann.lee@example.com', 'second@example.org']);
    const queued = (await db.outbox.toArray()).map((e) => `${e.kind}:${e.localId}`).sort();
    expect(queued).toEqual(['contact:ct_new', 'contact:ct_older_here', 'task:tk_1']);

    // The same file again changes nothing and queues nothing new.
    await db.outbox.clear();
    const again = await runImport(file(text, 'backup.json'), undefined, db);
    expect(again).toMatchObject({ imported: 0, created: 0, merged: 0, kept: 4 });
    expect(await db.outbox.count()).toBe(0);
  });

  it('a person, company and e-mail captured again under other ids (after "delete all") are matched, not duplicated', async () => {
    // Here: what was captured since the export, under fresh ids.
    await db.transaction('rw', db.contacts, db.companies, db.activities, async () => {
      await db.contacts.add({
        ...contact('ct_here', 'Ann Lee', at(9), ['ann@lee.example']),
        phones: ['+14155550100'],
        companyId: 'co_here',
        n: 1,
      });
      await db.companies.add({
        id: 'co_here',
        name: 'Lee Ltd',
        domain: 'lee.example',
        tags: [],
        createdAt: at(9),
        updatedAt: at(9),
        sources: [src],
        n: 1,
      });
      await db.activities.add({
        id: 'ac_here',
        type: 'email',
        contactIds: ['ct_here'],
        subject: 'Hi',
        occurredAt: at(8),
        messageId: 'gmail:m1',
        createdAt: at(9),
        updatedAt: at(9),
        sources: [src],
        n: 1,
      });
    });
    const activity = (id: string, extra: object) => ({
      id,
      contactIds: ['ct_file'],
      occurredAt: at(3),
      createdAt: at(3),
      updatedAt: at(3),
      sources: [src],
      ...extra,
    });
    const text = exportText({
      contacts: [
        { ...contact('ct_file', 'Ann Lee (old)', at(3), ['ANN@lee.example', 'ann@home.example']), companyId: 'co_file' },
        { ...contact('ct_other', 'Bo Chen', at(3), ['bo@chen.example']), companyId: 'co_file' },
      ],
      companies: [
        { id: 'co_file', name: 'LEE LTD', domain: 'lee.example', tags: ['vip'], createdAt: at(3), updatedAt: at(3), sources: [src] },
      ],
      activities: [
        activity('ac_file', { type: 'email', subject: 'Hi', messageId: 'gmail:m1' }),
        activity('ac_note', { type: 'note', body: 'Met in Madrid' }),
        activity('ac_mail', {
          type: 'email',
          subject: 'Re',
          messageId: 'gmail:m2',
          participants: [{ email: 'Ann <ANN@Lee.example>', role: 'from' }],
        }),
      ],
      tasks: [
        {
          id: 'tk_1',
          title: 'Call Ann',
          done: false,
          contactIds: ['ct_file'],
          companyId: 'co_file',
          createdAt: at(3),
          updatedAt: at(3),
          sources: [src],
        },
      ],
    });
    const summary = await runImport(file(text, 'backup.json'), undefined, db);
    expect(summary.stopped).toBeUndefined();

    const people = await db.contacts.toArray();
    expect(people.map((c) => c.id).sort()).toEqual(['ct_here', 'ct_other']);
    const ann = people.find((c) => c.id === 'ct_here')!;
    // The newer copy's name stays; the file's extra address is kept too.
    expect(ann).toMatchObject({
      name: 'Ann Lee',
      emails: ['ann@lee.example', 'ann@home.example'],
      phones: ['+14155550100'],
      companyId: 'co_here',
    });
    expect(people.find((c) => c.id === 'ct_other')?.companyId).toBe('co_here');
    expect((await db.companies.toArray()).map((c) => c.id)).toEqual(['co_here']);
    const activities = await db.activities.toArray();
    expect(activities.map((a) => a.id).sort()).toEqual(['ac_here', 'ac_mail', 'ac_note']);
    expect(activities.find((a) => a.id === 'ac_mail')?.participants).toEqual([{ email: 'ann@lee.example', role: 'from' }]);
    expect(activities.find((a) => a.id === 'ac_note')?.contactIds).toEqual(['ct_here']);
    expect(await db.tasks.get('tk_1')).toMatchObject({ contactIds: ['ct_here'], companyId: 'co_here' });
  });

  it('exports and restores settings and rules, never a secret', async () => {
    await updateSettings(
      {
        internalDomains: ['acme.example'],
        neverCapture: ['hr@acme.example'],
        autoLog: { existingContacts: true, domains: ['client.example'] },
      },
      db,
    );
    await db.connectors.put(connector);
    await db.secrets.put({ connectorId: 'hs1', values: { accessToken: 'SECRET-TOKEN-123', refreshToken: 'SECRET-REFRESH-456' } });
    const text = await exportedText();
    expect(text).not.toMatch(/SECRET-/);
    const settings = await getSettings(db);

    await db.delete();
    await db.open();
    expect((await getSettings(db)).internalDomains).toEqual([]);
    // A file that carries secrets (edited by hand, or from elsewhere): they are never stored.
    const withSecrets = text.replace(/}$/, ',"secrets":[{"connectorId":"hs1","values":{"accessToken":"SECRET-X"}}],"connectors":[]}');
    const summary = await runImport(file(withSecrets, 'backup.json'), undefined, db);
    expect(summary.settingsRestored).toBe(true);
    expect(await getSettings(db)).toEqual(settings);
    expect(await db.secrets.count()).toBe(0);
    expect(await db.connectors.count()).toBe(0);
    expect(summary.errors.map((e) => e.message)).toContain('"secrets": 1 records not restored: this version of Rapport does not read them');
  });

  it('a file cut short: the records before the break are restored, the report says where it stopped', async () => {
    const contacts = Array.from({ length: 30 }, (_, i) => contact(`ct_${i}`, `Person ${i}`, at(2), [`p${i}@example.com`]));
    const text = exportText({ contacts });
    const cut = text.slice(0, text.indexOf('"ct_25"') + 12);
    const summary = await runImport(file(cut, 'backup.json'), undefined, db, 10);
    expect(summary.stopped?.at).toBe('contacts[25]');
    expect(summary.stopped?.reason).toMatch(/the file ends before the JSON object does/);
    // Every whole record before the break, nothing of the broken one.
    expect(summary.imported).toBe(25);
    expect((await db.contacts.toArray()).map((c) => c.id).sort()).toEqual(
      contacts
        .slice(0, 25)
        .map((c) => c.id)
        .sort(),
    );
  });

  it('QuotaExceededError while restoring: earlier batches whole, nothing of the failing one, and where it stopped', async () => {
    await db.connectors.put(connector);
    const contacts = Array.from({ length: 30 }, (_, i) => contact(`ct_${i}`, `Person ${i}`, at(2), [`p${i}@example.com`]));
    failWrite = (table, req) => table === 'contacts' && values(req).some((v) => (v as Contact).id === 'ct_15');
    const summary = await runImport(file(exportText({ contacts }), 'backup.json'), undefined, db, 10);
    expect(summary.stopped).toEqual({ at: 'contacts[10] (record 11 of "contacts")', reason: expect.stringMatching(/QuotaExceededError/) });
    expect(summary.imported).toBe(10);
    expect((await db.contacts.toArray()).map((c) => c.id).sort()).toEqual(
      contacts
        .slice(0, 10)
        .map((c) => c.id)
        .sort(),
    );
    expect(await db.outbox.count()).toBe(10);
  });

  it('a file that turns unreadable half-way (changed on disk): stops after the last stored record and says so', async () => {
    class ChangedOnDisk extends Blob {
      name = 'backup.json';
      slice(start?: number, end?: number): Blob {
        const part = super.slice(start, end);
        if ((start ?? 0) < 1024 * 1024) return part;
        return Object.assign(part, {
          arrayBuffer: () => Promise.reject(new DOMException('The file could not be read.', 'NotReadableError')),
        });
      }
    }
    const body = 'x'.repeat(100_000);
    const activities = Array.from({ length: 30 }, (_, i) => ({
      id: `ac_${i}`,
      type: 'note',
      contactIds: [],
      body,
      occurredAt: at(2),
      createdAt: at(2),
      updatedAt: at(2),
      sources: [src],
    }));
    const summary = await runImport(new ChangedOnDisk([exportText({ activities })]), undefined, db, 5);
    const stored = await db.activities.count();
    expect(stored).toBeGreaterThan(5);
    expect(stored).toBeLessThan(30);
    expect(summary.imported).toBe(stored);
    expect(summary.stopped).toEqual({
      at: `activities[${stored}] (record ${stored + 1} of "activities")`,
      reason: 'NotReadableError: The file could not be read.',
    });
  });

  it('reads the export slice by slice: the file is never read whole', async () => {
    class SliceOnlyFile extends Blob {
      name = 'backup.json';
      arrayBuffer(): Promise<ArrayBuffer> {
        throw new Error('the whole file was read at once');
      }
      text(): Promise<string> {
        throw new Error('the whole file was read at once');
      }
    }
    const contacts = Array.from({ length: 30 }, (_, i) => contact(`ct_${i}`, `Person ${i}`, at(2), [`p${i}@example.com`]));
    const summary = await runImport(new SliceOnlyFile([exportText({ contacts })]), undefined, db);
    expect(summary).toMatchObject({ imported: 30, created: 30 });
    expect(summary.stopped).toBeUndefined();
  });

  it('a JSON file that is not an export changes nothing and says so', async () => {
    const summary = await runImport(file(JSON.stringify({ hello: 'world', contacts: 'nope' }), 'x.json'), undefined, db);
    expect(summary.stopped).toBeUndefined();
    expect(summary.imported).toBe(0);
    expect(summary.errors).toEqual([
      expect.objectContaining({ row: null, message: expect.stringMatching(/^not a Rapport export: missing "format"/) }),
    ]);
  });
});
