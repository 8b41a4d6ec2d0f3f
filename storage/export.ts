// The export format of docs/architecture.md, written in pieces so a large database never becomes one string.
// Its restore is in restore.ts.
import { type RapportDB, getDb } from './db';
import { publicRecord } from './records';
import type { Activity, Company, Contact, Deal, Pipeline, PipelineItem, StageChange, Task } from './schema';
import { EXPORT_FORMAT, EXPORT_VERSION } from './schema';
import { getSettings } from './settings';

/**
 * The record arrays, in the order written and restored: pipelines before their items (an item's sync
 * kind and stage columns come from its pipeline), items before their history.
 */
export const SECTIONS = ['contacts', 'companies', 'activities', 'tasks', 'deals', 'pipelines', 'items', 'stageChanges'] as const;
export type Section = (typeof SECTIONS)[number];
const PAGE = 5000;

/**
 * Yields the export file as string parts (for `new Blob(parts)`), a page of records at a time. With
 * `contactIds` (a selection): those people, their companies, and the history, tasks and deals that
 * involve them; with `companyIds` too (a selection of companies), those companies besides.
 */
export async function* exportParts(
  db: RapportDB = getDb(),
  exportedAt = new Date().toISOString(),
  contactIds?: readonly string[],
  companyIds: readonly string[] = [],
): AsyncGenerator<string> {
  if (contactIds) {
    yield* selectionParts(db, exportedAt, contactIds, companyIds);
    return;
  }
  yield `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},"exportedAt":${JSON.stringify(exportedAt)}`;
  // Settings hold the rules and privacy lists, never a secret (tokens live in the secrets table, which
  // is not exported). An extra member: readers that do not know it ignore it.
  yield `,"settings":${JSON.stringify(await getSettings(db))}`;
  for (const section of SECTIONS) {
    yield `,${JSON.stringify(section)}:[`;
    const table = db.table(section);
    let first = true;
    let offset = 0;
    for (;;) {
      // Numbered tables page by their primary key order; the others by id.
      const rows = await table.orderBy(':id').offset(offset).limit(PAGE).toArray();
      if (!rows.length) break;
      offset += rows.length;
      const text = rows.map((r: { n?: number }) => JSON.stringify(publicRecord(r))).join(',');
      yield (first ? '' : ',') + text;
      first = false;
      if (rows.length < PAGE) break;
    }
    yield ']';
  }
  // Where merged-away people went (storage/merge.ts): an id in another file or tool still finds its
  // person. An extra member, like settings: readers that do not know it ignore it.
  const redirects = await db.redirects.toArray();
  yield `,"redirects":${JSON.stringify(redirects.map(({ from, to, at }) => ({ from, to, at })))}`;
  yield '}';
}

export function exportFileName(date = new Date(), extension = 'json'): string {
  return `rapport-export-${date.toISOString().slice(0, 10)}.${extension}`;
}

/** The people to export, a page at a time: everyone in storage order, or the given ids in their order (unknown ones skipped). */
export async function* contactPages(db: RapportDB = getDb(), ids?: readonly string[], page = PAGE): AsyncGenerator<Contact[]> {
  if (ids) {
    for (let i = 0; i < ids.length; i += page) {
      const slice = ids.slice(i, i + page);
      const rows = await db.contacts.where('id').anyOf(slice).toArray();
      const byId = new Map(rows.map((r) => [r.id, publicRecord(r) as Contact]));
      const out = slice.map((id) => byId.get(id)).filter((c): c is Contact => !!c);
      if (out.length) yield out;
    }
    return;
  }
  let offset = 0;
  for (;;) {
    const rows = await db.contacts.orderBy(':id').offset(offset).limit(page).toArray();
    if (!rows.length) return;
    offset += rows.length;
    yield rows.map((r) => publicRecord(r) as Contact);
    if (rows.length < page) return;
  }
}

/** The ids of the people who work at these companies. */
export async function peopleOfCompanies(db: RapportDB, companyIds: readonly string[]): Promise<string[]> {
  if (!companyIds.length) return [];
  const people = await db.contacts.where('companyId').anyOf(companyIds).toArray();
  return people.map((p) => p.id);
}

async function* selectionParts(
  db: RapportDB,
  exportedAt: string,
  contactIds: readonly string[],
  chosenCompanies: readonly string[],
): AsyncGenerator<string> {
  const ids = [...new Set(contactIds)];
  const contacts: Contact[] = [];
  for await (const p of contactPages(db, ids)) contacts.push(...p);
  const companyIds = [...new Set([...chosenCompanies, ...contacts.map((c) => c.companyId).filter((x): x is string => !!x)])];
  const found = ids.length ? ids : ['\uffff'];
  const [companies, activities, tasks, deals, items] = await Promise.all([
    companyIds.length ? db.companies.where('id').anyOf(companyIds).toArray() : [],
    db.activities.where('contactIds').anyOf(found).distinct().toArray(),
    db.tasks.where('contactIds').anyOf(found).distinct().toArray(),
    db.deals.where('contactIds').anyOf(found).distinct().toArray(),
    db.items.where('contactIds').anyOf(found).distinct().toArray(),
  ]);
  // Their items come with the pipelines they are in (stages and all) and their stage history.
  const pipelineIds = [...new Set(items.map((i) => i.pipelineId))];
  const [pipelines, stageChanges] = await Promise.all([
    pipelineIds.length ? db.pipelines.where('id').anyOf(pipelineIds).toArray() : [],
    items.length
      ? db.stageChanges
          .where('itemId')
          .anyOf(items.map((i) => i.id))
          .toArray()
      : [],
  ]);
  const sections: Record<Section, unknown[]> = { contacts, companies, activities, tasks, deals, pipelines, items, stageChanges };
  yield `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},"exportedAt":${JSON.stringify(exportedAt)}`;
  // No settings: importing a few people must not replace the rules and lists of the browser they go to.
  for (const section of SECTIONS) {
    yield `,${JSON.stringify(section)}:[${sections[section].map((r) => JSON.stringify(publicRecord(r as { n?: number }))).join(',')}]`;
  }
  yield '}';
}

export interface ValidatedExport {
  contacts: Contact[];
  companies: Company[];
  activities: Activity[];
  tasks: Task[];
  deals: Deal[];
  pipelines: Pipeline[];
  items: PipelineItem[];
  stageChanges: StageChange[];
}
