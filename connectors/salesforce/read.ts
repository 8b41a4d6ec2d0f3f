// Reading people back: the look-up by email for a person's card (Contact and Lead, the contact's
// opportunities) and the pull of the configured object, by LastModifiedDate then Id.
import type { PullOptions, PullResult, RemoteContact, RemoteTask } from '../types';
import { sfClient, soqlDateTime, soqlString, type SfRecord } from './api';
import type { Ctx } from './config';
import { NOT_PROVIDED } from './mapping';

type PersonRow = SfRecord & {
  Name?: string;
  FirstName?: string | null;
  LastName?: string | null;
  Email?: string | null;
  Title?: string | null;
  Phone?: string | null;
  MobilePhone?: string | null;
  LeadSource?: string | null;
  Status?: string | null;
  Company?: string | null;
  Owner?: { Name?: string } | null;
  Account?: { Name?: string } | null;
  LastModifiedDate?: string;
};

function personSelect(object: 'Contact' | 'Lead'): string {
  const common = 'Id, Name, FirstName, LastName, Email, Title, Phone, MobilePhone, LeadSource, Owner.Name, LastModifiedDate';
  return object === 'Lead' ? `${common}, Company, Status` : `${common}, AccountId, Account.Name`;
}

export async function lookup(ctx: Ctx, email: string): Promise<RemoteContact | null> {
  const sf = sfClient(ctx);
  const order: ('Contact' | 'Lead')[] = ctx.config.objectForPeople === 'Lead' ? ['Lead', 'Contact'] : ['Contact', 'Lead'];
  for (const object of order) {
    const rows = await sf.query<PersonRow>(
      `SELECT ${personSelect(object)} FROM ${object} WHERE Email = ${soqlString(email.trim())}${object === 'Lead' ? ' AND IsConverted = false' : ''} ORDER BY LastModifiedDate DESC LIMIT 1`,
    );
    const r = rows[0];
    if (!r) continue;
    const fields: Record<string, string> = { object };
    for (const k of [
      'Name',
      'FirstName',
      'LastName',
      'Email',
      'Title',
      'Phone',
      'MobilePhone',
      'LeadSource',
      'Status',
      'Company',
    ] as const) {
      const v = r[k];
      if (typeof v === 'string' && v) fields[k] = v;
    }
    if (r.Account?.Name) fields.Account = r.Account.Name;
    const out: RemoteContact = { remoteId: r.Id, url: `${sf.instanceUrl}/${r.Id}`, fields };
    if (r.Owner?.Name) out.owner = r.Owner.Name;
    if (object === 'Lead' && r.Status) out.stage = r.Status;
    if (object === 'Contact') {
      type Role = SfRecord & { Opportunity?: { Name?: string; StageName?: string; Amount?: number | null; IsClosed?: boolean } | null };
      const roles = await sf.query<Role>(
        `SELECT Id, Opportunity.Name, Opportunity.StageName, Opportunity.Amount, Opportunity.IsClosed FROM OpportunityContactRole WHERE ContactId = ${soqlString(r.Id)} LIMIT 50`,
      );
      out.deals = roles
        .filter((x) => x.Opportunity?.Name)
        .map((x) => ({
          name: x.Opportunity!.Name!,
          stage: x.Opportunity!.StageName ?? undefined,
          ...(typeof x.Opportunity!.Amount === 'number' ? { amount: x.Opportunity!.Amount } : {}),
        }));
      const open = roles.find((x) => x.Opportunity && !x.Opportunity.IsClosed);
      if (open?.Opportunity?.StageName) out.stage = open.Opportunity.StageName;
    }
    return out;
  }
  return null;
}

const PULL_PAGE = 200;

async function pullPeopleOnly(ctx: Ctx, cursor: string | undefined): Promise<PullResult> {
  const sf = sfClient(ctx);
  const object = ctx.config.objectForPeople;
  const [since, lastId] = (cursor ?? '').split('|');
  const conds: string[] = [];
  if (since) {
    const t = soqlDateTime(since);
    conds.push(
      lastId ? `(LastModifiedDate > ${t} OR (LastModifiedDate = ${t} AND Id > ${soqlString(lastId)}))` : `LastModifiedDate > ${t}`,
    );
  }
  if (object === 'Lead') conds.push('IsConverted = false');
  const rows = await sf.query<PersonRow>(
    `SELECT ${personSelect(object)} FROM ${object}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''} ORDER BY LastModifiedDate ASC, Id ASC LIMIT ${PULL_PAGE}`,
    PULL_PAGE,
  );
  const contacts: PullResult['contacts'] = rows.map((r) => {
    const c: PullResult['contacts'][number]['contact'] = {
      name: r.Name || [r.FirstName, r.LastName].filter(Boolean).join(' ') || r.Email || '',
      emails: r.Email ? [r.Email.toLowerCase()] : [],
      phones: [r.Phone, r.MobilePhone].filter((x): x is string => !!x),
    };
    if (r.FirstName) c.firstName = r.FirstName;
    if (r.LastName) c.lastName = r.LastName;
    if (r.Title) c.title = r.Title;
    const company = object === 'Lead' ? r.Company : r.Account?.Name;
    if (company && company !== NOT_PROVIDED) c.company = company;
    if (r.Status) c.stage = r.Status;
    return { remoteId: r.Id, contact: c };
  });
  const last = rows[rows.length - 1];
  const next = last?.LastModifiedDate
    ? `${new Date(last.LastModifiedDate.replace(/\+0000$/, 'Z')).toISOString()}|${last.Id}`
    : (cursor ?? '');
  return { contacts, cursor: next, more: rows.length === PULL_PAGE };
}

/** `LastModifiedDate` after the cursor `iso|lastId` (records sharing the instant ordered by Id). */
function after(cursor: string): string[] {
  const [since, lastId] = cursor.split('|');
  if (!since) return [];
  const t = soqlDateTime(since);
  return [lastId ? `(LastModifiedDate > ${t} OR (LastModifiedDate = ${t} AND Id > ${soqlString(lastId)}))` : `LastModifiedDate > ${t}`];
}

interface TaskRow extends SfRecord {
  Subject?: string | null;
  Description?: string | null;
  ActivityDate?: string | null;
  Status?: string | null;
  Priority?: string | null;
  WhoId?: string | null;
  LastModifiedDate?: string;
}

const MARKER_RE = /\[rapport:([A-Za-z0-9_]{1,100})\]/;
const PRIORITY: Record<string, RemoteTask['priority']> = { High: 'high', Normal: 'normal', Low: 'low' };
const sfIso = (v: string) => new Date(v.replace(/\+0000$/, 'Z')).toISOString();

/** A Salesforce Task as the pull hands it over: ActivityDate is a day, due at 09:00 UTC. */
export function remoteTask(r: TaskRow): RemoteTask {
  const description = r.Description ?? '';
  const localId = MARKER_RE.exec(description)?.[1];
  const notes = description.replace(MARKER_RE, '').trim();
  const priority = r.Priority ? PRIORITY[r.Priority] : undefined;
  return {
    remoteId: r.Id,
    title: r.Subject?.trim() || 'Task',
    done: r.Status === 'Completed',
    contactRemoteIds: r.WhoId ? [r.WhoId] : [],
    ...(notes ? { notes } : {}),
    ...(r.ActivityDate ? { dueAt: new Date(`${r.ActivityDate}T09:00:00Z`).toISOString() } : {}),
    ...(priority ? { priority } : {}),
    ...(r.LastModifiedDate ? { updatedAt: sfIso(r.LastModifiedDate) } : {}),
    ...(localId ? { localId } : {}),
  };
}

/**
 * People changed since the cursor, and with `opts.tasks` Tasks of subtype Task (not logged e-mails
 * or calls) about a person. The cursor is the people's `iso|id`, then a space and the tasks' one.
 */
export async function pullPeople(ctx: Ctx, cursor: string | undefined, opts: PullOptions = {}): Promise<PullResult> {
  const [peopleCursor, taskCursor = ''] = (cursor ?? '').split(' ');
  const people = await pullPeopleOnly(ctx, peopleCursor || undefined);
  if (!opts.tasks) return people;
  const conds = ["TaskSubtype = 'Task'", 'WhoId != null', ...after(taskCursor)];
  const rows = await sfClient(ctx).query<TaskRow>(
    `SELECT Id, Subject, Description, ActivityDate, Status, Priority, WhoId, LastModifiedDate FROM Task WHERE ${conds.join(' AND ')} ORDER BY LastModifiedDate ASC, Id ASC LIMIT ${PULL_PAGE}`,
    PULL_PAGE,
  );
  const last = rows[rows.length - 1];
  const nextTasks = last?.LastModifiedDate ? `${sfIso(last.LastModifiedDate)}|${last.Id}` : taskCursor;
  return {
    ...people,
    tasks: rows.map(remoteTask),
    cursor: `${people.cursor} ${nextTasks}`.trimEnd(),
    more: people.more || rows.length === PULL_PAGE,
  };
}
