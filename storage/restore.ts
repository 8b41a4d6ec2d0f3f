// Restoring an export, batch by batch, each batch one transaction with its outbox entries. A record is
// matched by id, else by what makes it the same record here under another id (a person re-captured after
// a "delete all": same e-mail or LinkedIn profile; a company: same domain, else name; an e-mail: same
// message id), so a restore duplicates nothing; the file's later references follow the match.
import { type IndexKind, type RapportDB, getDb } from './db';
import { dealToItem, ensureSalesPipeline } from './deal-upgrade';
import { emailKeys } from './email-keys';
import { itemChangesOf } from './item-sync';
import { fold, normalizeDomain, normalizeEmail } from './normalize';
import { activityChanges, enqueue, outboxScope, type Change } from './outbox';
import { defaultPipelines, stageOf, withItemDerived } from './pipeline-logic';
import { mergedInto } from './queries';
import { publicRecord, putRecords, writeScope } from './records';
import {
  type Activity,
  type Company,
  type Contact,
  type Deal,
  MAX_LINKEDIN_URNS,
  MAX_STAGES,
  type Pipeline,
  type PipelineItem,
  type StageChange,
  nowIso,
} from './schema';
import { SECTIONS, type Section, type ValidatedExport } from './export';

type RecordOf<S extends Section> = ValidatedExport[S][number];
type PipelineSection = 'pipelines' | 'items' | 'stageChanges' | 'deals';
/** Records matched by id or by a twin under another id (the pipeline sections have their own rules, below). */
type AnyRecord = RecordOf<Exclude<Section, PipelineSection>>;

/** What restoring one batch did. */
export interface RestoreResult {
  /** Records that were not here. */
  created: number;
  /** Records here that the file's copy replaced or completed (the file's `updatedAt` is later, or it adds e-mails, phones, tags). */
  replaced: number;
  /** Records kept as they are here: this copy is as new as the file's, or newer. */
  kept: number;
  /** What was stored but will not show as the file had it (an item whose pipeline or stage is not here), one line each. */
  problems?: string[];
}

/** File id → local id of the records found here under another id; shared by the batches of one restore. */
export interface RestoreContext {
  contacts: Map<string, string>;
  companies: Map<string, string>;
}

export function newRestoreContext(): RestoreContext {
  return { contacts: new Map(), companies: new Map() };
}

const KIND_OF: Partial<Record<Section, IndexKind>> = { contacts: 'contact', companies: 'company', activities: 'activity' };
const SYNC_KIND = { contacts: 'contact', companies: 'company', tasks: 'task' } as const;
const isPipelineSection = (s: Section): s is PipelineSection => s === 'pipelines' || s === 'items' || s === 'stageChanges' || s === 'deals';
const MAX_SOURCES = 50;

const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Later `updatedAt` wins; equal (the same export twice) keeps what is here. */
function newer(file: { updatedAt: string }, local: { updatedAt: string }): boolean {
  return Date.parse(file.updatedAt) > Date.parse(local.updatedAt);
}

/** E-mails (a person's, an e-mail's participants') through normalizeEmail, and references to records matched under another id. */
function prepare<S extends Section>(section: S, rec: RecordOf<S>, ctx: RestoreContext): RecordOf<S> {
  const person = (id: string) => ctx.contacts.get(id) ?? id;
  const company = (id: string | undefined) => (id === undefined ? id : (ctx.companies.get(id) ?? id));
  const r = rec as AnyRecord;
  if (section === 'contacts') {
    const c = r as Contact;
    // Identity keys; one that is no address stays as written (a restore loses nothing).
    const emails = emailKeys(c.emails);
    const companyId = company(c.companyId);
    return (same(emails, c.emails) && companyId === c.companyId ? c : { ...c, emails, companyId }) as RecordOf<S>;
  }
  if (section === 'companies') return rec;
  const withPeople = r as AnyRecord & { contactIds: string[]; companyId?: string; companyIds?: string[] };
  const next = { ...withPeople, contactIds: withPeople.contactIds.map(person) };
  if ('companyId' in withPeople) next.companyId = company(withPeople.companyId);
  if (withPeople.companyIds) next.companyIds = withPeople.companyIds.map((id) => company(id)!);
  const a = next as Partial<Activity>;
  if (a.participants) a.participants = a.participants.map((p) => (p.email === undefined ? p : { ...p, email: normalizeEmail(p.email) }));
  return next as RecordOf<S>;
}

/**
 * People the file names by an id merged away here (decision 0040's redirects): the file's references
 * follow to the survivor, as they follow a twin. Ids of people stored here stay theirs.
 */
async function followMerges(
  db: RapportDB,
  section: Section,
  records: readonly { id: string; contactIds?: string[] }[],
  ctx: RestoreContext,
): Promise<void> {
  if (section === 'companies') return;
  const named =
    section === 'contacts' ? records.map((r) => r.id) : records.flatMap((r) => (r as { contactIds?: string[] }).contactIds ?? []);
  const asked = uniq(named.filter((id) => !ctx.contacts.has(id)));
  if (!asked.length) return;
  const stored = new Set((await db.contacts.where('id').anyOf(asked).keys()) as string[]);
  const moved = await mergedInto(
    asked.filter((id) => !stored.has(id)),
    db,
  );
  for (const [from, to] of moved) ctx.contacts.set(from, to);
}

/** A person of the file merged away here is the same one as its survivor: its twin. */
async function survivorsAsTwins(db: RapportDB, records: AnyRecord[], ctx: RestoreContext, twins: Map<string, AnyRecord>): Promise<void> {
  const moved = records.filter((r) => ctx.contacts.has(r.id));
  if (!moved.length) return;
  const survivors = await db.contacts
    .where('id')
    .anyOf(uniq(moved.map((r) => ctx.contacts.get(r.id)!)))
    .toArray();
  const byId = new Map(survivors.map((c) => [c.id, publicRecord(c) as Contact]));
  for (const r of moved) {
    const survivor = byId.get(ctx.contacts.get(r.id)!);
    if (survivor) twins.set(r.id, survivor);
  }
}

/** For records whose id is not here: the local record that is the same one under another id. */
async function findTwins(db: RapportDB, section: Section, records: AnyRecord[]): Promise<Map<string, AnyRecord>> {
  const twins = new Map<string, AnyRecord>();
  if (!records.length) return twins;
  if (section === 'contacts') {
    const people = records as Contact[];
    const emails = uniq(people.flatMap((c) => c.emails));
    const li = uniq(people.map((c) => c.linkedinId).filter((x): x is string => !!x));
    const urns = uniq(people.flatMap((c) => c.linkedinUrns ?? []));
    const found = [
      ...(emails.length ? await db.contacts.where('emails').anyOf(emails).toArray() : []),
      ...(li.length ? await db.contacts.where('linkedinId').anyOf(li).toArray() : []),
      ...(urns.length ? await db.contacts.where('linkedinUrns').anyOf(urns).toArray() : []),
    ].map((c) => publicRecord(c) as Contact);
    const sharesUrn = (a: Contact, b: Contact) => !!a.linkedinUrns?.some((u) => b.linkedinUrns?.includes(u));
    for (const c of people) {
      const twin = found.find(
        (f) => f.emails.some((e) => c.emails.includes(e)) || (!!c.linkedinId && f.linkedinId === c.linkedinId) || sharesUrn(f, c),
      );
      if (twin) twins.set(c.id, twin);
    }
  } else if (section === 'companies') {
    const companies = records as Company[];
    const domains = uniq(companies.map((c) => normalizeDomain(c.domain)).filter((x): x is string => !!x));
    const names = uniq(companies.map((c) => c.name));
    const found = [
      ...(domains.length ? await db.companies.where('domain').anyOf(domains).toArray() : []),
      ...(names.length ? await db.companies.where('name').anyOfIgnoreCase(names).toArray() : []),
    ].map((c) => publicRecord(c) as Company);
    for (const c of companies) {
      const d = normalizeDomain(c.domain);
      const twin =
        (d && found.find((f) => normalizeDomain(f.domain) === d)) ||
        found.find((f) => fold(f.name) === fold(c.name) && (!d || !f.domain || normalizeDomain(f.domain) === d));
      if (twin) twins.set(c.id, twin);
    }
  } else if (section === 'activities') {
    const withMessage = (records as Activity[]).filter((a) => a.messageId);
    const ids = uniq(withMessage.map((a) => a.messageId!));
    const found = ids.length ? (await db.activities.where('messageId').anyOf(ids).toArray()).map((a) => publicRecord(a) as Activity) : [];
    for (const a of withMessage) {
      const twin = found.find((f) => f.messageId === a.messageId);
      if (twin) twins.set(a.id, twin);
    }
  }
  return twins;
}

/**
 * The file's record written over its twin here: under the twin's id, the newer one's fields, and the
 * lists of both (a person's e-mails, phones and tags are never dropped). Undefined: keep the twin as it is.
 */
function mergeIntoTwin(section: Section, rec: AnyRecord, twin: AnyRecord): AnyRecord | undefined {
  if (section === 'activities') return undefined; // the same message, already logged here
  const fileWins = newer(rec, twin);
  const base = fileWins ? { ...rec, id: twin.id, createdAt: twin.createdAt } : twin;
  const sources = fileWins ? [...twin.sources, ...rec.sources].slice(-MAX_SOURCES) : twin.sources;
  if (section === 'contacts') {
    const a = twin as Contact;
    const b = rec as Contact;
    const merged: Contact = {
      ...(base as Contact),
      emails: uniq([...a.emails, ...b.emails]).slice(0, 50),
      phones: uniq([...a.phones, ...b.phones]).slice(0, 50),
      tags: uniq([...a.tags, ...b.tags]).slice(0, 100),
      sources,
    };
    const urns = uniq([...(a.linkedinUrns ?? []), ...(b.linkedinUrns ?? [])]).slice(0, MAX_LINKEDIN_URNS);
    if (urns.length) merged.linkedinUrns = urns;
    const adds =
      !same(merged.emails, a.emails) ||
      !same(merged.phones, a.phones) ||
      !same(merged.tags, a.tags) ||
      urns.length !== (a.linkedinUrns ?? []).length;
    if (!fileWins && !adds) return undefined;
    return fileWins ? merged : { ...merged, updatedAt: new Date().toISOString() };
  }
  if (!fileWins) return undefined;
  const co = base as Company;
  return {
    ...co,
    domain: co.domain ?? (twin as Company).domain,
    tags: uniq([...(twin as Company).tags, ...co.tags]).slice(0, 100),
    sources,
  };
}

/**
 * Restores one batch of validated records of one section in one transaction: a record not here is added;
 * one here (by id, or its twin under another id) is replaced only when the file's `updatedAt` is later,
 * so a newer local edit is never overwritten; contacts' e-mails go through normalizeEmail; every written
 * record is queued for the connected CRMs in the same transaction, as an edit would be. A failure
 * (QuotaExceededError…) rolls the whole batch back. Pass the same `ctx` to every batch of one file.
 */
export async function restoreRecords<S extends Section>(
  section: S,
  records: RecordOf<S>[],
  db: RapportDB = getDb(),
  ctx: RestoreContext = newRestoreContext(),
): Promise<RestoreResult> {
  const result: RestoreResult = { created: 0, replaced: 0, kept: 0 };
  if (!records.length) return result;
  if (isPipelineSection(section)) return restorePipelineRecords(section, records as never, db, ctx);
  const kind = KIND_OF[section];
  const table = db.table(section);
  // Companies matched under another id: the people restored before them point at the local one.
  const scope = kind ? writeScope(db, ...(section === 'companies' ? (['company', 'contact'] as const) : [kind])) : [table];
  // Redirects and the people's ids: the file's references to people merged away here (followMerges).
  const tables = [...new Set([...scope, ...outboxScope(db), db.redirects, db.contacts])];
  return db.transaction('rw', tables, async () => {
    await followMerges(db, section, records as AnyRecord[], ctx);
    const prepared = records.map((r) => prepare(section, r, ctx) as AnyRecord);
    const local = (await table
      .where('id')
      .anyOf(prepared.map((r) => r.id))
      .toArray()) as (AnyRecord & { n?: number })[];
    const current = new Map<string, AnyRecord>(local.map((r) => [r.id, publicRecord(r) as AnyRecord]));
    const missing = prepared.filter((r) => !current.has(r.id));
    const twins = await findTwins(db, section, missing);
    if (section === 'contacts') await survivorsAsTwins(db, missing, ctx, twins);
    const toWrite = new Map<string, AnyRecord>();
    const newlyMatchedCompanies = new Map<string, string>();
    for (const rec of prepared) {
      const twin = current.has(rec.id) ? undefined : twins.get(rec.id);
      if (twin) {
        if (section === 'contacts') ctx.contacts.set(rec.id, twin.id);
        if (section === 'companies') {
          ctx.companies.set(rec.id, twin.id);
          newlyMatchedCompanies.set(rec.id, twin.id);
        }
        const merged = mergeIntoTwin(section, rec, toWrite.get(twin.id) ?? twin);
        if (!merged) result.kept++;
        else {
          result.replaced++;
          toWrite.set(twin.id, merged);
        }
        continue;
      }
      const here = current.get(rec.id);
      if (here && !newer(rec, here)) {
        result.kept++;
        continue;
      }
      if (here && !toWrite.has(rec.id)) result.replaced++;
      else if (!here) result.created++;
      toWrite.set(rec.id, rec);
      current.set(rec.id, rec);
    }
    const written = [...toWrite.values()];
    if (kind) await putRecords(db, kind, written as never);
    else await table.bulkPut(written);
    const changes: Change[] =
      section === 'activities'
        ? activityChanges(written as Activity[])
        : written.map((r) => ({ kind: SYNC_KIND[section as keyof typeof SYNC_KIND], localId: r.id }));
    if (newlyMatchedCompanies.size) {
      const people = await db.contacts
        .where('companyId')
        .anyOf([...newlyMatchedCompanies.keys()])
        .toArray();
      const moved = people.map((c) => ({ ...(publicRecord(c) as Contact), companyId: newlyMatchedCompanies.get(c.companyId!)! }));
      await putRecords(db, 'contact', moved);
      changes.push(...moved.map((c) => ({ kind: 'contact' as const, localId: c.id })));
    }
    await enqueue(db, changes);
    return result;
  });
}

/**
 * Restores validated export records held in memory (small exports, tests), in batches through
 * restoreRecords: importing the same export twice changes nothing. Returns the number of records written.
 */
export async function restoreExport(
  /** Pipelines, items and stage changes may be absent (a version 1 file: its deals become Sales items). */
  data: Omit<ValidatedExport, PipelineSection> & Partial<Pick<ValidatedExport, PipelineSection>>,
  onProgress?: (done: number, total: number) => void,
  db: RapportDB = getDb(),
): Promise<number> {
  const total = SECTIONS.reduce((s, k) => s + (data[k]?.length ?? 0), 0);
  const ctx = newRestoreContext();
  let done = 0;
  let written = 0;
  const BATCH = 2000;
  for (const section of SECTIONS) {
    const rows = (data[section] ?? []) as RecordOf<typeof section>[];
    for (let i = 0; i < rows.length; i += BATCH) {
      const slice = rows.slice(i, i + BATCH);
      const r = await restoreRecords(section, slice, db, ctx);
      written += r.created + r.replaced;
      done += slice.length;
      onProgress?.(done, total);
    }
  }
  return written;
}

// ------------------------------------------------------------------ pipelines, items, stage history

/** A default pipeline as first use created it, never edited since: a restored copy replaces it. */
function untouchedDefault(p: Pipeline): boolean {
  if (p.updatedAt !== p.createdAt) return false;
  const d = defaultPipelines(p.createdAt).find((x) => x.id === p.id);
  return !!d && JSON.stringify(d) === JSON.stringify(p);
}

/**
 * The file's pipeline over the one here: the newer one's name and settings (a never-edited default
 * here yields to the file's), with the stages of both, so every item of either has its column.
 * Undefined: keep the one here as it is.
 */
function mergePipeline(file: Pipeline, local: Pipeline): Pipeline | undefined {
  const fileWins = newer(file, local) || (untouchedDefault(local) && JSON.stringify(file) !== JSON.stringify(local));
  const [winner, other] = fileWins ? [file, local] : [local, file];
  const missing = other.stages.filter((s) => !stageOf(winner, s.id));
  if (!fileWins && !missing.length) return undefined;
  const merged: Pipeline = { ...winner, stages: [...winner.stages, ...missing].slice(0, MAX_STAGES) };
  return fileWins ? merged : { ...merged, updatedAt: nowIso() };
}

/**
 * Items of the file over those here (later `updatedAt` wins), their people following merges and
 * twins as other records' do, their derived fields recomputed; every written item queued for the
 * CRMs as an edit would queue it. An item whose pipeline or stage is not here is stored and reported.
 */
async function restoreItems(
  items: PipelineItem[],
  db: RapportDB,
  ctx: RestoreContext,
  result: RestoreResult,
  problems: string[],
): Promise<Change[]> {
  await followMerges(db, 'items', items, ctx);
  const prepared = items.map((i) => {
    const next: PipelineItem = { ...i, contactIds: uniq(i.contactIds.map((id) => ctx.contacts.get(id) ?? id)) };
    if (i.companyId !== undefined) next.companyId = ctx.companies.get(i.companyId) ?? i.companyId;
    return next;
  });
  const pipelines = new Map((await db.pipelines.toArray()).map((p) => [p.id, p]));
  const here = new Map(
    (await db.items.bulkGet(prepared.map((i) => i.id))).flatMap((i): [string, PipelineItem][] => (i ? [[i.id, i]] : [])),
  );
  const toWrite = new Map<string, PipelineItem>();
  for (const item of prepared) {
    const local = toWrite.get(item.id) ?? here.get(item.id);
    if (local && !newer(item, local)) {
      result.kept++;
      continue;
    }
    if (local) result.replaced++;
    else result.created++;
    const pipeline = pipelines.get(item.pipelineId);
    if (!pipeline)
      problems.push(`items (${item.id}): its pipeline "${item.pipelineId}" is neither in the file nor here: stored, on no board`);
    else if (!stageOf(pipeline, item.stageId)) {
      problems.push(`items (${item.id}): stage "${item.stageId}" is not in "${pipeline.name}": stored, in no column`);
    }
    toWrite.set(item.id, pipeline ? withItemDerived(item, pipeline) : item);
  }
  const written = [...toWrite.values()];
  await db.items.bulkPut(written);
  return itemChangesOf(written, pipelines.values());
}

/** Stage changes are never edited: one not here is added, one here is kept. */
async function restoreStageChanges(changes: StageChange[], db: RapportDB, result: RestoreResult): Promise<void> {
  const here = new Set((await db.stageChanges.bulkGet(changes.map((c) => c.id))).flatMap((c) => (c ? [c.id] : [])));
  const fresh = new Map<string, StageChange>();
  for (const c of changes) {
    if (here.has(c.id) || fresh.has(c.id)) result.kept++;
    else {
      fresh.set(c.id, c);
      result.created++;
    }
  }
  await db.stageChanges.bulkAdd([...fresh.values()]);
}

/** One batch of pipelines, items, stage changes or an older file's deals (as Sales items), in one transaction. */
async function restorePipelineRecords(
  section: PipelineSection,
  records: (Pipeline | PipelineItem | StageChange | Deal)[],
  db: RapportDB,
  ctx: RestoreContext,
): Promise<RestoreResult> {
  const result: RestoreResult = { created: 0, replaced: 0, kept: 0 };
  const problems: string[] = [];
  const tables = [db.pipelines, db.items, db.stageChanges, db.contacts, db.redirects, ...outboxScope(db)];
  await db.transaction('rw', tables, async () => {
    if (section === 'pipelines') {
      const files = records as Pipeline[];
      const here = new Map(
        (await db.pipelines.bulkGet(files.map((p) => p.id))).flatMap((p): [string, Pipeline][] => (p ? [[p.id, p]] : [])),
      );
      const toWrite = new Map<string, Pipeline>();
      for (const p of files) {
        const local = toWrite.get(p.id) ?? here.get(p.id);
        const merged = local ? mergePipeline(p, local) : p;
        if (!merged) result.kept++;
        else {
          if (local) result.replaced++;
          else result.created++;
          toWrite.set(p.id, merged);
        }
      }
      await db.pipelines.bulkPut([...toWrite.values()]);
    } else if (section === 'stageChanges') {
      await restoreStageChanges(records as StageChange[], db, result);
    } else if (section === 'items') {
      await enqueue(db, await restoreItems(records as PipelineItem[], db, ctx, result, problems));
    } else {
      const sales = await ensureSalesPipeline(db.pipelines, nowIso());
      const moved = (records as Deal[]).map((d) => dealToItem(d, sales));
      const changes = await restoreItems(
        moved.map((m) => m.item),
        db,
        ctx,
        result,
        problems,
      );
      await restoreStageChanges(
        moved.map((m) => m.change),
        db,
        { created: 0, replaced: 0, kept: 0 },
      );
      await enqueue(db, changes);
    }
  });
  if (problems.length) result.problems = problems;
  return result;
}
