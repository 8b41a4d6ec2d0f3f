// What the Tasks view reads, in one live query: the open tasks from the openDueAt index (due order),
// a page of done ones (latest due first), and the names of the people and companies they link to.
import { type RapportDB, getDb } from '../../../storage/db';
import type { Company, Contact, Task } from '../../../storage/schema';
import { type FilterContext, type TaskFilter, taskMatches } from './task-query';

export interface Named {
  id: string;
  name: string;
}

export interface TasksData {
  /** Every open task with a due time, filtered, earliest first. */
  open: Task[];
  /** The first `doneLimit` done tasks that pass the filter, latest due first. */
  done: Task[];
  moreDone: boolean;
  people: Map<string, Named>;
  companies: Map<string, Named>;
  /** Whom and which company the open tasks link to, unfiltered: the filter's choices. */
  choices: { people: Named[]; companies: Named[] };
}

async function filterContext(f: TaskFilter, db: RapportDB): Promise<FilterContext> {
  const ctx: FilterContext = {};
  if (f.company) ctx.companyPeople = new Set((await db.contacts.where('companyId').equals(f.company).toArray()).map((c) => c.id));
  if (f.tag) {
    // Tags are not indexed: read only while this filter is on.
    const tag = f.tag.toLowerCase();
    const ids = new Set<string>();
    await db.contacts.each((c) => {
      if (c.tags.some((t) => t.toLowerCase() === tag)) ids.add(c.id);
    });
    ctx.taggedPeople = ids;
  }
  return ctx;
}

const named = (r: Pick<Contact | Company, 'id' | 'name'>): Named => ({ id: r.id, name: r.name });
const byName = (a: Named, b: Named) => a.name.localeCompare(b.name);

export async function loadTasks(f: TaskFilter, doneLimit: number, db: RapportDB = getDb()): Promise<TasksData> {
  // Awaited only when it reads: a live query must await Dexie's promises alone (use-live-query.ts).
  const ctx = f.company || f.tag ? await filterContext(f, db) : {};
  const keep = (t: Task) => taskMatches(t, f, ctx);
  const allOpen = await db.tasks.orderBy('openDueAt').toArray();
  // Done tasks have no index of their own (a boolean is no IndexedDB key): walk the due index from
  // the latest, past the open ones, and stop once the page is full.
  const done = await db.tasks
    .orderBy('dueAt')
    .reverse()
    .filter((t) => t.done && keep(t))
    .limit(doneLimit + 1)
    .toArray();
  const shown = [...allOpen, ...done];
  const contactIds = [...new Set(shown.flatMap((t) => t.contactIds))];
  const contacts = contactIds.length ? await db.contacts.where('id').anyOf(contactIds).toArray() : [];
  const openPeople = new Set(allOpen.flatMap((t) => t.contactIds));
  // A company's choice stands for its tasks and those of the people who work there.
  const openCompanies = new Set([
    ...allOpen.map((t) => t.companyId),
    ...contacts.filter((c) => openPeople.has(c.id)).map((c) => c.companyId),
  ]);
  const companyIds = [...new Set([...shown.map((t) => t.companyId), ...openCompanies, f.company].filter((id): id is string => !!id))];
  const companies = companyIds.length ? await db.companies.where('id').anyOf(companyIds).toArray() : [];
  const people = new Map(contacts.map((c) => [c.id, named(c)]));
  const companyNames = new Map(companies.map((c) => [c.id, named(c)]));
  if (f.person && !people.has(f.person)) {
    const p = await db.contacts.where('id').equals(f.person).first();
    if (p) people.set(p.id, named(p));
  }
  return {
    open: allOpen.filter(keep),
    done: done.slice(0, doneLimit),
    moreDone: done.length > doneLimit,
    people,
    companies: companyNames,
    choices: {
      people: [...people.values()].filter((p) => openPeople.has(p.id) || p.id === f.person).sort(byName),
      companies: [...companyNames.values()].filter((c) => openCompanies.has(c.id) || c.id === f.company).sort(byName),
    },
  };
}
