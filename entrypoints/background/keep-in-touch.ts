// The keep-in-touch pass (storage/tasks.ts refreshReconnectItems) in the service worker: once a
// day by an alarm, at browser start and install, after the tag cadences change and after a page
// sets a person's cadence (decision 0050). Each start of the worker also checks, from what the last
// pass wrote in `meta`, whether a day passed or the cadences changed meanwhile (a cheap read).
import { browser } from 'wxt/browser';
import { getDb } from '../../storage/db';
import { getSettings } from '../../storage/settings';
import { refreshReconnectItems } from '../../storage/tasks';
import { type ReconnectPassState, cadenceFingerprint, reconnectPassReason } from './task-plan';

export const KEEP_IN_TOUCH_ALARM = 'rapport-keep-in-touch';
const STATE_KEY = 'keepInTouchPass';
const DAY_MINUTES = 24 * 60;

let running: Promise<void> | null = null;
let again = false;

/** Runs the pass (`force`), or only when reconnectPassReason says it is due; one at a time. */
export function runReconnectPass(force: boolean): Promise<void> {
  if (running) {
    again ||= force;
    return running;
  }
  running = (async () => {
    let f = force;
    do {
      again = false;
      const db = getDb();
      const now = new Date();
      const cadences = cadenceFingerprint((await getSettings(db)).tagCadences);
      const state = (await db.meta.get(STATE_KEY))?.value as ReconnectPassState | undefined;
      if (f || reconnectPassReason(state, cadences, now)) {
        await refreshReconnectItems(now, db);
        await db.meta.put({ key: STATE_KEY, value: { lastRunAt: now.toISOString(), cadences } satisfies ReconnectPassState });
      }
      f = again;
    } while (f);
  })()
    .catch((e: unknown) => console.warn('Rapport: keep-in-touch pass stopped', e))
    .finally(() => {
      running = null;
    });
  return running;
}

export function installKeepInTouch(): void {
  // Created once: made again at each start of the worker, a daily alarm would never ring.
  void browser.alarms.get(KEEP_IN_TOUCH_ALARM).then((a) => {
    if (!a) void browser.alarms.create(KEEP_IN_TOUCH_ALARM, { delayInMinutes: DAY_MINUTES, periodInMinutes: DAY_MINUTES });
  });
  browser.alarms.onAlarm.addListener((a: { name: string }) => {
    if (a.name === KEEP_IN_TOUCH_ALARM) void runReconnectPass(true);
  });
  browser.runtime.onStartup.addListener(() => void runReconnectPass(true));
  browser.runtime.onInstalled.addListener(() => void runReconnectPass(true));
  void runReconnectPass(false);
}
