import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { type Settings, getSettings, updateSettings } from '../../storage/settings';
import { describeStorageError } from '../../storage/errors';

const notifications = () => ({ permissions: ['notifications' as const] });

/**
 * Task reminders as system notifications: off until the user turns them on, which is when the
 * browser asks for the `notifications` permission (decision 0050). The toolbar badge counts due
 * tasks either way.
 */
export function RemindersSection() {
  const [s, setS] = useState<Settings | null>(null);
  const [allowed, setAllowed] = useState<boolean | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    getSettings().then(setS, (e: Error) => setMsg({ ok: false, text: `Could not read settings: ${e.message}` }));
    browser.permissions.contains(notifications()).then(setAllowed, () => setAllowed(false));
  }, []);
  if (!s) return null;

  const toggle = (e: Event) => {
    const on = (e.target as HTMLInputElement).checked;
    // Asked for inside the click: the browser shows its prompt only for a user gesture.
    const permission = on ? browser.permissions.request(notifications()) : browser.permissions.remove(notifications());
    void (async () => {
      const granted = await permission.catch(() => false);
      const nowAllowed = on ? granted : await browser.permissions.contains(notifications()).catch(() => false);
      setAllowed(nowAllowed);
      if (on && !granted) {
        setMsg({ ok: false, text: 'Reminders stay off: the browser did not allow notifications.' });
        return;
      }
      try {
        setS(await updateSettings({ reminders: { enabled: on } }));
        setMsg({ ok: true, text: on ? 'Reminders are on.' : 'Reminders are off. The toolbar button still counts what is due.' });
      } catch (err) {
        setMsg({ ok: false, text: `Not saved: ${describeStorageError(err)}` });
      }
    })();
  };

  return (
    <section class="card" aria-labelledby="reminders-h">
      <h2 id="reminders-h">Reminders</h2>
      <label class="row">
        <input type="checkbox" data-testid="reminders-enabled" checked={s.reminders.enabled} onChange={toggle} />
        Remind me of tasks with a notification (the browser asks to allow notifications)
      </label>
      <p class="muted small">
        Rapport’s button in the toolbar shows how many tasks are overdue or due today. Reminders missed while the browser was closed are
        shown together when it opens.
      </p>
      <label class="row">
        Remind me of a case
        <input
          type="number"
          min={0}
          max={168}
          step={1}
          size={4}
          data-testid="sla-reminder-hours"
          value={s.slaReminderHours}
          onChange={(e) => {
            const hours = Number((e.target as HTMLInputElement).value);
            if (!Number.isFinite(hours) || hours < 0 || hours > 168) {
              setMsg({ ok: false, text: 'Choose from 0 to 168 hours before the service level is due.' });
              return;
            }
            updateSettings({ slaReminderHours: hours }).then(
              (next) => {
                setS(next);
                setMsg({ ok: true, text: `Cases are reminded ${hours} h before their service level is due.` });
              },
              (err: unknown) => setMsg({ ok: false, text: `Not saved: ${describeStorageError(err)}` }),
            );
          }}
        />
        hours before its service level (SLA) is due
      </label>
      {s.reminders.enabled && allowed === false && (
        <p class="error" data-testid="reminders-not-allowed">
          Notifications are not allowed for Rapport: turn reminders off and on again to allow them.
        </p>
      )}
      {msg && (
        <p class={msg.ok ? 'ok' : 'error'} role={msg.ok ? 'status' : 'alert'} data-testid={msg.ok ? 'reminders-saved' : 'reminders-error'}>
          {msg.text}
        </p>
      )}
    </section>
  );
}
