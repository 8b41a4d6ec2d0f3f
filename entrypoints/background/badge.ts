// The toolbar button's badge and title, owned here alone (decision 0050): the number of open tasks
// overdue or due today, with a short-lived alert ("!" when "Save to Rapport" saved nothing) shown
// over it while it lasts. Everyone else asks through showBadgeAlert / setDueCount.
import { browser } from 'wxt/browser';
import { type BadgeAlert, type BadgeView, badgeView } from './task-plan';

let due: number | undefined;
let alert: BadgeAlert | undefined;
let alertTimer: ReturnType<typeof setTimeout> | undefined;
let shown: BadgeView | undefined;
let painting: Promise<void> = Promise.resolve();

function same(a: BadgeView | undefined, b: BadgeView): boolean {
  return !!a && a.text === b.text && a.color === b.color && a.title === b.title;
}

function paint(): Promise<void> {
  // Until the first count the worker does not know the number: it leaves the button as it is
  // (the badge survives a stopped worker) unless an alert is to be shown.
  const view = badgeView(due ?? 0, alert, Date.now());
  if ((due === undefined && !alert && !shown) || same(shown, view)) return painting;
  const previous = shown;
  shown = view;
  painting = painting
    .then(async () => {
      const calls: Promise<unknown>[] = [browser.action.setBadgeText({ text: view.text })];
      if (previous?.color !== view.color) calls.push(browser.action.setBadgeBackgroundColor({ color: view.color }));
      if (previous?.title !== view.title) calls.push(browser.action.setTitle({ title: view.title }));
      await Promise.all(calls);
    })
    .catch((e: unknown) => {
      shown = undefined;
      console.warn('Rapport: badge not updated', e);
    });
  return painting;
}

/** The number of open tasks overdue or due today. */
export function setDueCount(n: number): Promise<void> {
  due = n;
  return paint();
}

/** Shows `text` with `title` on the button for `ms`, then the due count again. */
export function showBadgeAlert(text: string, title: string, ms = 8_000): Promise<void> {
  alert = { text, title, until: Date.now() + ms };
  if (alertTimer) clearTimeout(alertTimer);
  alertTimer = setTimeout(() => {
    alert = undefined;
    void paint();
  }, ms);
  return paint();
}
