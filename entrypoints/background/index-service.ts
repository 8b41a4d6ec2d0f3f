// Finishes a search-index rebuild left by a schema upgrade (storage/index-rebuild.ts): started when
// the worker starts and on every sync alarm, a page per transaction, so a worker stopped half-way
// resumes from the last page on its next wake.
import { browser } from 'wxt/browser';
import { getDb } from '../../storage/db';
import { continueIndexRebuild } from '../../storage/index-rebuild';

let running: Promise<void> | null = null;

export function kickIndexRebuild(): void {
  if (running) return;
  // Extension API calls keep a busy worker alive; each run stops after a few minutes anyway so the
  // worker is never killed for running one task too long (the next alarm goes on).
  const keepAlive = setInterval(() => void browser.runtime.getPlatformInfo().catch(() => undefined), 20_000);
  running = continueIndexRebuild(getDb(), 4 * 60_000)
    .then(() => undefined)
    .catch((e: unknown) => console.warn('Rapport: search index rebuild stopped, will resume', e))
    .finally(() => {
      clearInterval(keepAlive);
      running = null;
    });
}

export function installIndexRebuild(alarmName: string): void {
  kickIndexRebuild();
  browser.alarms?.onAlarm.addListener((a: { name: string }) => {
    if (a.name === alarmName) kickIndexRebuild();
  });
  // A listener here is what makes Chrome start the worker with the browser (alarms may not
  // survive a restart); an update starts it through onInstalled.
  browser.runtime.onStartup.addListener(kickIndexRebuild);
}
