import { useEffect, useMemo, useState } from 'preact/hooks';
import { AUTO_LOG_MAX_PEOPLE, autoLogEnabled, autoLogPlan, logThread, outsidePeople } from '../../../capture/actions';
import type { ThreadCapture } from '../../../capture/mail';
import { useLiveQuery } from '../../../components/use-live-query';
import { getDb } from '../../../storage/db';
import type { Settings } from '../../../storage/settings';
import { MailPersonCard } from '../MailPersonCard';
import { ThreadItemActions } from '../ThreadItemActions';
import { describeStorageError } from '../../../storage/errors';

/** An open conversation (Gmail, Outlook): log it, and one card per outside person. */
export function ThreadView({ capture, settings }: { capture: ThreadCapture; settings: Settings }) {
  // Once per capture and settings, not on every render (the signatures are parsed in there).
  const people = useMemo(() => outsidePeople(capture, settings), [capture, settings]);
  const [logged, setLogged] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setLogged(null), [capture.threadId]);
  const threadKey = `${capture.site}:${capture.threadId}`;
  // What is already logged of this thread, and whether a rule did it (issue 14: say so).
  const stored = useLiveQuery(async () => {
    const acts = await getDb().activities.where('threadId').equals(threadKey).toArray();
    return { messages: acts.length, byRule: acts.some((a) => a.sources.some((s) => s.byRule)) };
  }, [threadKey]);
  const overCap = useMemo(() => (autoLogEnabled(settings) ? autoLogPlan(capture, settings).overCap : undefined), [capture, settings]);
  const log = async () => {
    setBusy(true);
    try {
      const r = await logThread(capture, settings);
      setLogged({
        ok: true,
        text: r.added
          ? `Logged ${r.added} message${r.added === 1 ? '' : 's'} to ${r.contacts.length} contact${r.contacts.length === 1 ? '' : 's'}.`
          : 'Already logged: nothing new.',
      });
    } catch (e) {
      setLogged({ ok: false, text: describeStorageError(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <div class="sb-section">
        <div class="small muted">
          Conversation · {capture.messages.length} message{capture.messages.length === 1 ? '' : 's'}
        </div>
        <div dir="auto">
          <strong>{capture.subject || '(no subject)'}</strong>
        </div>
        <div class="sb-actions">
          <button class="primary" data-testid="log-thread" onClick={log} disabled={busy || !people.length}>
            {busy ? 'Logging…' : 'Log this thread'}
          </button>
        </div>
        {stored && stored.messages > 0 && (
          <p
            class="small muted"
            data-testid="thread-already-logged"
            data-count={stored.messages}
            data-by-rule={stored.byRule ? 'yes' : 'no'}
          >
            {stored.byRule ? (
              <span data-testid="thread-logged-by-rule" data-count={stored.messages}>
                Logged automatically by your auto-log rule
              </span>
            ) : (
              'Already logged'
            )}{' '}
            · {stored.messages} message
            {stored.messages === 1 ? '' : 's'}
          </p>
        )}
        {!stored?.messages && overCap !== undefined && (
          <p class="small muted" data-testid="thread-autolog-over-cap">
            Auto-log rules save at most {AUTO_LOG_MAX_PEOPLE} people from one conversation; this one has {overCap}. Log it yourself if you
            want them all.
          </p>
        )}
        {logged && (
          <p
            class={logged.ok ? 'ok small' : 'error small'}
            role={logged.ok ? 'status' : 'alert'}
            data-testid={logged.ok ? 'thread-logged' : 'thread-log-failed'}
          >
            {logged.text}
          </p>
        )}
        <ThreadItemActions key={threadKey} capture={capture} settings={settings} people={people} />
      </div>
      {!people.length && <p class="empty">Everyone in this conversation is on your team.</p>}
      {people.map((p) => (
        <MailPersonCard key={p.email} person={p} capture={capture} />
      ))}
    </div>
  );
}
