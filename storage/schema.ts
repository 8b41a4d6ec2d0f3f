// The data model: zod schemas are the single source of truth; TypeScript types are inferred.
import { z } from 'zod';

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO date');

export const SOURCE_TYPES = ['manual', 'import', 'gmail', 'outlook', 'linkedin', 'crm'] as const;
export const Source = z.object({
  type: z.enum(SOURCE_TYPES),
  /** What it came from: file name, thread id, profile URL, connector id… */
  ref: z.string().max(2000).optional(),
  at: isoDate,
  /** Recorded by an auto-log rule the user turned on, not by a click (the sidebar says so). */
  byRule: z.literal(true).optional(),
});
export type Source = z.infer<typeof Source>;

const text = (max = 1000) => z.string().max(max);
const recordBase = {
  id: z.string().min(1).max(100),
  createdAt: isoDate,
  updatedAt: isoDate,
  sources: z.array(Source).max(200),
};

/** LinkedIn URNs a person keeps (Contact.linkedinUrns): the first ones stay when more arrive. */
export const MAX_LINKEDIN_URNS = 20;

/** Custom fields (defined once for all contacts in the settings): how many, and how long keys and values may be. */
export const MAX_CUSTOM_FIELDS = 50;
export const MAX_CUSTOM_KEY = 60;
export const MAX_CUSTOM_VALUE = 2000;

export { STAGES } from './stages';

export const Contact = z.object({
  ...recordBase,
  name: text(300),
  firstName: text(200).optional(),
  lastName: text(200).optional(),
  emails: z.array(z.string().max(320)).max(50),
  phones: z.array(z.string().max(60)).max(50),
  title: text(500).optional(),
  company: text(300).optional(),
  companyId: z.string().max(100).optional(),
  location: text(300).optional(),
  linkedinUrl: text(500).optional(),
  /** LinkedIn public identifier (the /in/<id>/ part), lowercased: a merge key. */
  linkedinId: text(200).optional(),
  /**
   * LinkedIn's other ids for the person, as normalizeLinkedinUrn writes them (`urn:li:fsd_profile:ACoAA…`,
   * `urn:li:member:…`, `urn:li:fs_salesProfile:ACwAA…`, `urn:li:ts_profile:AEMAA…`): merge keys for a
   * Sales Navigator lead or Recruiter candidate saved without a public profile (decision 0038).
   */
  linkedinUrns: z.array(text(130)).max(MAX_LINKEDIN_URNS).optional(),
  headline: text(1000).optional(),
  photoUrl: text(2000).optional(),
  tags: z.array(text(100)).max(100),
  stage: text(100).optional(),
  lastActivityAt: isoDate.optional(),
  /** The person's own site (a portfolio, a personal page); an http(s) URL. */
  website: text(2000).optional(),
  /** Values of the custom fields the user defined (Settings.customFields), by field key. */
  /** Keep in touch: reconnect when the last two-way interaction is older than this many days. */
  cadenceDays: z.number().int().min(1).max(3650).optional(),
  custom: z
    .record(text(MAX_CUSTOM_KEY), text(MAX_CUSTOM_VALUE))
    .refine((r) => Object.keys(r).length <= MAX_CUSTOM_FIELDS, `at most ${MAX_CUSTOM_FIELDS} custom fields`)
    .optional(),
});
export type Contact = z.infer<typeof Contact>;

export const Company = z.object({
  ...recordBase,
  name: text(300),
  domain: text(253).optional(),
  website: text(2000).optional(),
  industry: text(300).optional(),
  size: text(100).optional(),
  location: text(300).optional(),
  linkedinUrl: text(500).optional(),
  tags: z.array(text(100)).max(100),
});
export type Company = z.infer<typeof Company>;

export const ACTIVITY_TYPES = ['email', 'note', 'task', 'call', 'meeting', 'profile'] as const;
export const Participant = z.object({
  email: z.string().max(320).optional(),
  name: text(300).optional(),
  role: z.enum(['from', 'to', 'cc', 'bcc']).optional(),
});
export type Participant = z.infer<typeof Participant>;

export const Activity = z.object({
  ...recordBase,
  type: z.enum(ACTIVITY_TYPES),
  contactIds: z.array(z.string().max(100)).max(500),
  companyIds: z.array(z.string().max(100)).max(100).optional(),
  subject: text(2000).optional(),
  body: text(200_000).optional(),
  snippet: text(2000).optional(),
  occurredAt: isoDate,
  direction: z.enum(['incoming', 'outgoing', 'internal']).optional(),
  threadId: text(300).optional(),
  messageId: text(500).optional(),
  participants: z.array(Participant).max(1000).optional(),
  /** Calls and meetings: how long, in minutes. */
  durationMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .optional(),
  /** Calls: how it went (`connected`, `left-voicemail`, `no-answer`, `busy`, `wrong-number`, or the user's words). */
  outcome: text(200).optional(),
});
export type Activity = z.infer<typeof Activity>;

export const TASK_PRIORITIES = ['low', 'normal', 'high'] as const;
/** A reminder at most this long before the due time (60 days, in minutes). */
export const MAX_REMIND_BEFORE = 60 * 24 * 60;

export const Task = z.object({
  ...recordBase,
  title: text(1000),
  notes: text(20_000).optional(),
  dueAt: isoDate.optional(),
  done: z.boolean(),
  /** When it was marked done; absent while open (cleared when reopened). */
  completedAt: isoDate.optional(),
  /** Minutes before `dueAt` to remind: 0 = at the due time; absent = no reminder. */
  remindBefore: z.number().int().min(0).max(MAX_REMIND_BEFORE).optional(),
  priority: z.enum(TASK_PRIORITIES).optional(),
  /** Made by Rapport, not the user: `cadence` = a keep-in-touch "reconnect with …" item (never synced). */
  origin: z.enum(['cadence']).optional(),
  contactIds: z.array(z.string().max(100)).max(100),
  companyId: z.string().max(100).optional(),
  /** The pipeline item (deal, case, candidate) this follow-up is for; listed on the item's page. */
  itemId: z.string().max(100).optional(),
  // Derived and indexed (storage/task-schedule.ts `withTaskDerived`; decision 0049): written with
  // every change of the task, recomputed on restore.
  /** `dueAt` while the task is open: the due list and the badge read only this index. */
  openDueAt: isoDate.optional(),
  /** When the next reminder fires; absent once it fired, when done, or without a reminder. */
  remindAt: isoDate.optional(),
  /** The reminder instant that last fired, so that an edit leaving it unchanged does not fire it again. */
  remindedFor: isoDate.optional(),
});
export type Task = z.infer<typeof Task>;

export const Deal = z.object({
  ...recordBase,
  name: text(500),
  stage: text(100),
  amount: z.number().finite().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  closeDate: isoDate.optional(),
  contactIds: z.array(z.string().max(100)).max(100),
  companyId: z.string().max(100).optional(),
});
export type Deal = z.infer<typeof Deal>;

// ------------------------------------------------------------------ pipelines (issue 18, decision 0053)

export const PIPELINE_KINDS = ['sales', 'hiring', 'service', 'custom'] as const;
/** Where a stage leaves an item: still being worked, or closed as won / lost (sales, hiring) or resolved (service). */
export const STAGE_CATEGORIES = ['open', 'won', 'lost', 'resolved'] as const;
export const CASE_CATEGORIES = ['question', 'request', 'complaint', 'incident'] as const;
export const CASE_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const MAX_STAGES = 50;

export const Stage = z.object({
  /** Stable: items and the stage history name the stage by it, so a rename keeps both. */
  id: z.string().min(1).max(100),
  /** The user's own name: never translated. */
  name: text(100),
  category: z.enum(STAGE_CATEGORIES),
  /** Sales: the chance an item at this stage is won, 0–1 (weights the column's total). */
  probability: z.number().min(0).max(1).optional(),
});
export type Stage = z.infer<typeof Stage>;

export const Pipeline = z.object({
  ...recordBase,
  name: text(200),
  kind: z.enum(PIPELINE_KINDS),
  stages: z.array(Stage).min(1).max(MAX_STAGES),
  /** Service: hours to resolve by priority (the SLA policy; editable). */
  slaHours: z
    .partialRecord(
      z.enum(CASE_PRIORITIES),
      z
        .number()
        .positive()
        .max(24 * 365),
    )
    .optional(),
  /** Order in the navigation. */
  position: z.number().int().min(0),
  /** The currency amounts are entered in by default (ISO 4217). */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
});
export type Pipeline = z.infer<typeof Pipeline>;

export const PipelineItem = z.object({
  ...recordBase,
  pipelineId: z.string().max(100),
  stageId: z.string().max(100),
  title: text(500),
  contactIds: z.array(z.string().max(100)).max(100),
  companyId: z.string().max(100).optional(),
  /** Threads linked to the item (`<site>:<threadId>`, as activities store them). */
  threadIds: z.array(text(300)).max(100),
  notes: text(20_000).optional(),
  /** When it entered its current stage (time in stage). */
  stageEnteredAt: isoDate,
  /** When it entered a closed stage (won, lost, resolved); absent while open. */
  closedAt: isoDate.optional(),
  // Sales.
  amount: z.number().finite().min(0).max(1e15).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  closeDate: isoDate.optional(),
  lostReason: text(1000).optional(),
  // Hiring: the candidate is contactIds[0].
  role: text(300).optional(),
  source: text(300).optional(),
  // Service.
  category: z.enum(CASE_CATEGORIES).optional(),
  priority: z.enum(CASE_PRIORITIES).optional(),
  /** When the case must be resolved by (from the pipeline's SLA policy and the priority; editable). */
  slaDueAt: isoDate.optional(),
  /** First answer to the customer (the first logged outgoing e-mail or call after opening). */
  firstResponseAt: isoDate.optional(),
  resolvedAt: isoDate.optional(),
  resolution: text(5000).optional(),
  /** Derived, indexed: `slaDueAt` while the case is open (overdue SLAs are one index range). */
  openSlaDueAt: isoDate.optional(),
});
export type PipelineItem = z.infer<typeof PipelineItem>;

export const StageChange = z.object({
  id: z.string().max(100),
  itemId: z.string().max(100),
  pipelineId: z.string().max(100),
  /** Absent: the item was created at `to`. */
  from: z.string().max(100).optional(),
  to: z.string().max(100),
  at: isoDate,
});
export type StageChange = z.infer<typeof StageChange>;

export const EXPORT_FORMAT = 'rapport-export';
/**
 * 2: pipelines, their items and stage history (issue 18); `deals` stays (empty once the database
 * moved them into the Sales pipeline). 1: no pipelines; its deals are restored as Sales items.
 */
export const EXPORT_VERSION = 2;
/** The versions this release reads. */
export const EXPORT_VERSIONS_READ: readonly number[] = [1, 2];
export const ExportFile = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.union([z.literal(1), z.literal(2)]),
  exportedAt: isoDate,
  contacts: z.array(z.unknown()),
  companies: z.array(z.unknown()),
  activities: z.array(z.unknown()),
  tasks: z.array(z.unknown()),
  deals: z.array(z.unknown()),
  // Version 2 on.
  pipelines: z.array(z.unknown()).optional(),
  items: z.array(z.unknown()).optional(),
  stageChanges: z.array(z.unknown()).optional(),
});
export type ExportFile = z.infer<typeof ExportFile>;

/** What an importer or a capture hands to the repository: a contact without bookkeeping fields. */
export const ContactInput = Contact.omit({ id: true, createdAt: true, updatedAt: true, sources: true })
  .partial()
  .extend({ name: text(300).optional() });
export type ContactInput = z.infer<typeof ContactInput>;

export function newId(prefix: string): string {
  const rand = crypto.getRandomValues(new Uint8Array(10));
  let s = '';
  for (const b of rand) s += b.toString(36).padStart(2, '0');
  return `${prefix}_${Date.now().toString(36)}${s}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}
