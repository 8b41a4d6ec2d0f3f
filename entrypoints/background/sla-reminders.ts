// Reminders before a case breaches its SLA (issue 18 item 4), in the service worker, beside the task
// reminders (task-service.ts) and under the same switch and permission: one alarm at the next
// reminder time (storage/sla.ts slaReminderPass, the setting's hours before the due time), read
// from the `openSlaDueAt` index, so whatever writes a case (a page, a restore, a pull from a CRM)
// moves it; a notification that opens the case. Which case was reminded of which due time is a row
// in `meta`: a new priority (a new due time) reminds again, a closed case is forgotten.
import { liveQuery } from 'dexie';
import { browser } from 'wxt/browser';
import { getDb } from '../../storage/db';
import { getSettings } from '../../storage/settings';
import { type OpenCase, slaDueText, slaReminderPass } from '../../storage/sla';
import { itemPath } from '../workspace/routes';
import { openWorkspace } from './entry-points';
import { notificationsIfAllowed } from './task-service';

export const SLA_ALARM = 'rapport-sla-reminder';
const STATE_KEY = 'slaReminded';
const PREFIX = 'rapport-sla:';
/** A grouped notification lists this many cases. */
const LIST_ITEMS = 8;

async function readPass(now: Date) {
  const db = getDb();
  const [cases, row, settings] = await Promise.all([db.items.orderBy('openSlaDueAt').toArray(), db.meta.get(STATE_KEY), getSettings(db)]);
  const open: OpenCase[] = cases.map((c) => ({ id: c.id, title: c.title, slaDueAt: c.openSlaDueAt! }));
  const reminded = (row?.value ?? {}) as Record<string, string>;
  return slaReminderPass(open, reminded, now, settings.slaReminderHours);
}

let plannedFor: number | null | undefined;
async function plan(next: number | undefined, hasDue: boolean): Promise<void> {
  const at = hasDue ? Date.now() : (next ?? null);
  if (at === plannedFor) return;
  plannedFor = at;
  if (at === null) await browser.alarms.clear(SLA_ALARM);
  else await browser.alarms.create(SLA_ALARM, { when: Math.max(at, Date.now()) });
}

let ringing: Promise<void> = Promise.resolve();
/** Shows the reminders due now (several in one list) and remembers them; with reminders off they are remembered all the same. */
export function ringSlaReminders(): Promise<void> {
  ringing = ringing
    .then(async () => {
      const now = new Date();
      const pass = await readPass(now);
      if (pass.due.length) {
        const api = await notificationsIfAllowed();
        if (api) {
          const iconUrl = browser.runtime.getURL('/icon/128.png');
          const line = (c: OpenCase) => slaDueText({ slaDueAt: c.slaDueAt }, now);
          const options =
            pass.due.length === 1
              ? { type: 'basic', title: `SLA: ${pass.due[0].title}`, message: line(pass.due[0]), priority: 2 }
              : {
                  type: 'list',
                  title: `${pass.due.length} cases near or past their SLA`,
                  message: pass.due.length > LIST_ITEMS ? `and ${pass.due.length - LIST_ITEMS} more` : '',
                  items: pass.due.slice(0, LIST_ITEMS).map((c) => ({ title: c.title, message: line(c) })),
                  priority: 2,
                };
          const id = PREFIX + pass.due.map((c) => c.id).join(',');
          await api.create(id, { ...options, iconUrl }).catch((e: unknown) => console.warn('Rapport: notification refused', e));
        }
      }
      await getDb().meta.put({ key: STATE_KEY, value: pass.remember });
      await plan(pass.next, false);
    })
    .catch((e: unknown) => console.warn('Rapport: SLA reminders not shown', e));
  return ringing;
}

/** A click on an SLA reminder opens the case (or the workspace's pipelines for a group). */
function onClick(id: string): void {
  if (!id.startsWith(PREFIX)) return;
  const ids = id.slice(PREFIX.length).split(',').filter(Boolean);
  const c = (globalThis as unknown as { chrome: { notifications?: { clear(id: string): Promise<boolean> } } }).chrome;
  void c.notifications?.clear(id);
  void openWorkspace(ids.length === 1 ? itemPath(ids[0]) : '/pipelines');
}

let listening = false;
function listen(): void {
  const api = (globalThis as unknown as { chrome: { notifications?: { onClicked: { addListener(fn: (id: string) => void): void } } } })
    .chrome.notifications;
  if (listening || !api) return;
  listening = true;
  api.onClicked.addListener(onClick);
}

export function installSlaReminders(): void {
  listen();
  (
    globalThis as unknown as { chrome: { permissions?: { onAdded: { addListener(fn: (p: { permissions?: string[] }) => void): void } } } }
  ).chrome.permissions?.onAdded.addListener((p) => {
    if (p.permissions?.includes('notifications')) listen();
  });
  browser.alarms.onAlarm.addListener((a: { name: string }) => {
    if (a.name === SLA_ALARM) {
      plannedFor = undefined;
      void ringSlaReminders();
    }
  });
  // Every change of a case, the setting or the memory while the worker runs: plan the alarm again.
  liveQuery(() => readPass(new Date())).subscribe({
    next: (pass) => void plan(pass.next, pass.due.length > 0).catch((e: unknown) => console.warn('Rapport: SLA alarm not planned', e)),
    error: (e: unknown) => console.warn('Rapport: SLA watch stopped', e),
  });
}
