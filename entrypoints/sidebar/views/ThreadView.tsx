import { useEffect, useMemo, useState } from 'preact/hooks';
import { logThread, outsidePeople } from '../../../capture/actions';
import type { ThreadCapture } from '../../../capture/mail';
import type { Settings } from '../../../storage/settings';
import { MailPersonCard } from '../MailPersonCard';
import { describeStorageError } from '../../../storage/errors';

/** An open conversation (Gmail, Outlook): log it, and one card per outside person. */
export function ThreadView({ capture, settings }: { capture: ThreadCapture; settings: Settings }) {
  // Once per capture and settings, not on every render (the signatures are parsed in there).
  const people = useMemo(() => outsidePeople(capture, settings), [capture, settings]);
  const [logged, setLogged] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setLogged(null), [capture.threadId]);
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
        {logged && (
          <p
            class={logged.ok ? 'ok small' : 'error small'}
            role={logged.ok ? 'status' : 'alert'}
            data-testid={logged.ok ? 'thread-logged' : 'thread-log-failed'}
          >
            {logged.text}
          </p>
        )}
      </div>
      {!people.length && <p class="empty">Everyone in this conversation is on your team.</p>}
      {people.map((p) => (
        <MailPersonCard key={p.email} person={p} capture={capture} />
      ))}
    </div>
  );
}
