// User settings (rules and privacy), stored in the extension-origin database.
import { z } from 'zod';
import { type RapportDB, getDb } from './db';
import { emailDomain, normalizeEmail } from './normalize';
import { MAX_CUSTOM_FIELDS, MAX_CUSTOM_KEY } from './schema';
import { DEFAULT_SLA_REMINDER_HOURS } from './sla';

const domainOrAddress = z.string().trim().toLowerCase().max(320);

/** How the sidebar is shown on one site: collapsed to a tab or open, and its width in pixels. */
const SidebarLayout = z.object({
  collapsed: z.boolean().default(false),
  width: z.number().int().min(100).max(4000).catch(340).default(340),
});
const sidebarDefault = { collapsed: false, width: 340 };

const SettingsShape = z.object({
  /** Domains counted as "us"; empty = the user's own domain unless it is a webmail provider. */
  internalDomains: z.array(domainOrAddress).max(200).default([]),
  /** Addresses or domains never captured, shown or logged. */
  neverCapture: z.array(domainOrAddress).max(2000).default([]),
  autoLog: z
    .object({
      /** Log threads automatically when an outside participant is already a saved contact. */
      existingContacts: z.boolean().default(false),
      /** Log threads automatically when an outside participant's address is on one of these domains. */
      domains: z.array(domainOrAddress).max(200).default([]),
    })
    .default({ existingContacts: false, domains: [] }),
  sites: z
    .object({ gmail: z.boolean().default(true), outlook: z.boolean().default(true), linkedin: z.boolean().default(true) })
    .default({ gmail: true, outlook: true, linkedin: true }),
  /** Per site. */
  sidebar: z
    .object({
      gmail: SidebarLayout.default(sidebarDefault),
      outlook: SidebarLayout.default(sidebarDefault),
      linkedin: SidebarLayout.default(sidebarDefault),
    })
    .default({ gmail: sidebarDefault, outlook: sidebarDefault, linkedin: sidebarDefault }),
  /**
   * Custom contact fields, defined once for all contacts (decision 0043): `key` names the value in
   * Contact.custom and never changes; `label` is what the pages show.
   */
  customFields: z
    .array(z.object({ key: z.string().min(1).max(MAX_CUSTOM_KEY), label: z.string().trim().min(1).max(100) }))
    .max(MAX_CUSTOM_FIELDS)
    .default([]),
  /** Keep in touch by tag: people with the tag are reconnected with every `days` (a person's own cadence wins). */
  tagCadences: z
    .array(z.object({ tag: z.string().trim().min(1).max(100), days: z.number().int().min(1).max(3650) }))
    .max(200)
    .default([]),
  /**
   * Task reminders as system notifications; off until the user turns them on (that is when the
   * `notifications` permission is asked for).
   */
  reminders: z.object({ enabled: z.boolean().default(false) }).default({ enabled: false }),
  /** Hours before a case's SLA due time that it counts as due soon and its reminder rings. */
  slaReminderHours: z.number().min(0).max(168).catch(DEFAULT_SLA_REMINDER_HOURS).default(DEFAULT_SLA_REMINDER_HOURS),
});

/**
 * Settings stored (or exported) before the sidebar's layout was kept per site had one
 * `sidebarCollapsed` flag: each site starts from it.
 */
export function upgradeSettings(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const { sidebarCollapsed, ...rest } = value as Record<string, unknown>;
  if (typeof sidebarCollapsed !== 'boolean' || 'sidebar' in rest) return rest;
  const site = { collapsed: sidebarCollapsed };
  return { ...rest, sidebar: { gmail: site, outlook: site, linkedin: site } };
}

export const Settings = z.preprocess(upgradeSettings, SettingsShape);
export type Settings = z.infer<typeof Settings>;
export type SiteId = keyof Settings['sites'];

const KEY = 'settings';

export async function getSettings(db: RapportDB = getDb()): Promise<Settings> {
  const row = await db.meta.get(KEY);
  const parsed = Settings.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : Settings.parse({});
}

export async function updateSettings(patch: Partial<Settings>, db: RapportDB = getDb()): Promise<Settings> {
  return db.transaction('rw', db.meta, async () => {
    const next = Settings.parse({ ...(await getSettings(db)), ...patch });
    await db.meta.put({ key: KEY, value: next });
    return next;
  });
}

/** Remembers how the sidebar is shown on one site (read and written in one transaction). */
export async function rememberSidebarLayout(
  site: SiteId,
  layout: Partial<Settings['sidebar'][SiteId]>,
  db: RapportDB = getDb(),
): Promise<Settings> {
  return db.transaction('rw', db.meta, async () => {
    const { sidebar } = await getSettings(db);
    return updateSettings({ sidebar: { ...sidebar, [site]: { ...sidebar[site], ...layout } } }, db);
  });
}

/**
 * Replaces the settings with those of an export (rules and privacy lists; the schema has no secret and
 * drops unknown keys). Returns why not when they do not validate, and leaves the current ones alone then.
 */
export async function restoreSettings(value: unknown, db: RapportDB = getDb()): Promise<string | undefined> {
  const parsed = Settings.safeParse(value);
  if (!parsed.success) {
    return parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`)
      .join('; ');
  }
  await db.transaction('rw', db.meta, () => db.meta.put({ key: KEY, value: parsed.data }));
  return undefined;
}

/** True when an address (or its domain, or a parent domain) is on the never-capture list. */
export function isNeverCaptured(email: string | undefined, settings: Settings): boolean {
  const e = normalizeEmail(email);
  if (!e) return false;
  const domain = emailDomain(e);
  return settings.neverCapture.some((entry) => {
    const x = entry.replace(/^@/, '');
    return x === e || domain === x || domain.endsWith(`.${x}`);
  });
}
