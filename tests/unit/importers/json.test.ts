import { describe, expect, it } from 'vitest';
import { parseExportJson, parseExportText, validateExport } from '../../../importers/json';
import type { Activity, Company, Contact, Deal, Task } from '../../../storage/schema';

const at = '2024-05-01T09:30:00.000Z';
const source = { type: 'import' as const, ref: 'contacts.csv', at };

const contact: Contact = {
  id: 'ct_1',
  name: 'Amélie Nakamura-Silva 🌸',
  firstName: 'Amélie',
  lastName: 'Nakamura-Silva',
  emails: ['amelie@example.jp'],
  phones: ['+81312345678'],
  title: 'CTO',
  company: 'Kintsugi Labs',
  companyId: 'co_1',
  location: 'Tokyo, Japan',
  linkedinUrl: 'https://www.linkedin.com/in/amelie-example/',
  linkedinId: 'amelie-example',
  tags: ['vip', 'مؤتمر'],
  stage: 'customer',
  createdAt: at,
  updatedAt: at,
  sources: [source],
};
const company: Company = {
  id: 'co_1',
  name: 'Kintsugi Labs',
  domain: 'kintsugi.example',
  tags: [],
  createdAt: at,
  updatedAt: at,
  sources: [source],
};
const activity: Activity = {
  id: 'ac_1',
  type: 'email',
  contactIds: ['ct_1'],
  subject: 'Re: <b>pricing</b>',
  snippet: 'Thanks — see you Tuesday',
  occurredAt: at,
  direction: 'incoming',
  threadId: 't-1',
  messageId: '<m1@example.jp>',
  createdAt: at,
  updatedAt: at,
  sources: [source],
};
const task: Task = {
  id: 'tk_1',
  title: 'Follow up',
  done: false,
  dueAt: at,
  contactIds: ['ct_1'],
  createdAt: at,
  updatedAt: at,
  sources: [source],
};
const deal: Deal = {
  id: 'dl_1',
  name: 'Pilot',
  stage: 'proposal',
  amount: 12000,
  currency: 'EUR',
  contactIds: ['ct_1'],
  companyId: 'co_1',
  createdAt: at,
  updatedAt: at,
  sources: [source],
};

function exportFile(overrides: Record<string, unknown> = {}) {
  return {
    format: 'rapport-export',
    version: 1,
    exportedAt: at,
    contacts: [contact],
    companies: [company],
    activities: [activity],
    tasks: [task],
    deals: [deal],
    ...overrides,
  };
}

describe('Rapport JSON export', () => {
  it('restores a valid export exactly', () => {
    const r = parseExportText(JSON.stringify(exportFile()));
    expect(r.errors).toEqual([]);
    expect(r.exportedAt).toBe(at);
    expect(r.data).toEqual({
      contacts: [contact],
      companies: [company],
      activities: [activity],
      tasks: [task],
      deals: [deal],
      pipelines: [],
      items: [],
      stageChanges: [],
    });
  });

  it('reads a File/Blob (with a UTF-8 BOM) and text alike', async () => {
    const text = JSON.stringify(exportFile());
    const fromBlob = await parseExportJson(new Blob(['\ufeff' + text]));
    expect(fromBlob.errors).toEqual([]);
    expect(fromBlob.data?.contacts[0].name).toBe('Amélie Nakamura-Silva 🌸');
    expect(await parseExportJson(text)).toEqual(fromBlob);
  });

  it.each([
    ['not JSON', 'name,email\nA,a@example.com', /^not a Rapport export: the file is not valid JSON/],
    ['a JSON array', '[1,2,3]', /^not a Rapport export: expected a JSON object.*got an array/],
    ['another JSON object', '{"contacts": []}', /^not a Rapport export: missing "format": "rapport-export"/],
    ['another format', '{"format": "hubspot-backup", "version": 1}', /^not a Rapport export: "format" is "hubspot-backup"/],
    ['a future version', JSON.stringify(exportFile({ version: 3 })), /^not a Rapport export: unsupported version 3/],
    [
      'missing collections',
      JSON.stringify({ format: 'rapport-export', version: 1, exportedAt: at, contacts: [] }),
      /^not a Rapport export: companies: /,
    ],
    ['a bad date', JSON.stringify(exportFile({ exportedAt: 'yesterday' })), /^not a Rapport export: exportedAt: expected an ISO date/],
  ])('%s gives one clear error', (_label, text, message) => {
    const r = parseExportText(text);
    expect(r.data).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].row).toBeNull();
    expect(r.errors[0].message).toMatch(message);
  });

  it('reports invalid and duplicate records one by one and returns the rest', () => {
    const r = validateExport(
      exportFile({
        contacts: [
          contact,
          { ...contact, id: 'ct_2', emails: 'not-an-array' },
          { ...contact, id: 'ct_3', name: 'Ok Person' },
          contact,
          'junk',
        ],
        activities: [activity, { ...activity, id: 'ac_2', type: 'fax' }],
        deals: [{ ...deal, currency: 'euro' }],
      }),
    );
    expect(r.data?.contacts.map((c) => c.id)).toEqual(['ct_1', 'ct_3']);
    expect(r.data?.activities.map((a) => a.id)).toEqual(['ac_1']);
    expect(r.data?.deals).toEqual([]);
    expect(r.data?.companies).toEqual([company]);
    expect(r.errors.map((e) => [e.collection, e.row, e.id])).toEqual([
      ['contacts', 2, 'ct_2'],
      ['contacts', 4, 'ct_1'],
      ['contacts', 5, undefined],
      ['activities', 2, 'ac_2'],
      ['deals', 1, 'dl_1'],
    ]);
    expect(r.errors[0].message).toMatch(/^contacts\[1\] \(ct_2\): emails: /);
    expect(r.errors[1].message).toBe('contacts[3] (ct_1): duplicate id, record skipped');
    expect(r.errors[3].message).toMatch(/^activities\[1\] \(ac_2\): type: /);
  });
});
