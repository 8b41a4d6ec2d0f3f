import { outsidePeople } from '../../../capture/actions';
import type { ComposeCapture } from '../../../capture/compose';
import type { ThreadCapture } from '../../../capture/mail';
import type { Settings } from '../../../storage/settings';
import { MailPersonCard } from '../MailPersonCard';

/**
 * The message being written (Gmail through InboxSDK, Outlook from its compose form): one card per outside recipient, as in a
 * thread. The recipients become a one-message thread so the same rules (team, never-capture) and
 * the same card apply; nothing is logged from a draft.
 */
export function ComposeView({ capture, settings }: { capture: ComposeCapture; settings: Settings }) {
  const asThread: ThreadCapture = {
    kind: 'thread',
    site: capture.site,
    threadId: 'compose',
    subject: '',
    url: '',
    ...(capture.userEmail ? { userEmail: capture.userEmail } : {}),
    messages: [
      {
        messageId: 'compose',
        from: { email: capture.userEmail, name: '' },
        to: capture.recipients.filter((r) => r.field !== 'cc').map((r) => ({ email: r.email, name: r.name })),
        cc: capture.recipients.filter((r) => r.field === 'cc').map((r) => ({ email: r.email, name: r.name })),
        dateText: '',
        snippet: '',
        bodyText: '',
        quotedText: '',
        signature: '',
        links: [],
        direction: 'outgoing',
        collapsed: false,
      },
    ],
    participants: [],
  };
  const people = outsidePeople(asThread, settings);
  return (
    <div data-testid="compose-recipients">
      <div class="sb-section">
        <div class="small muted">
          Writing to {capture.recipients.length} recipient{capture.recipients.length === 1 ? '' : 's'}
        </div>
      </div>
      {!people.length && <p class="empty">Everyone you are writing to is on your team.</p>}
      {people.map((p) => (
        <MailPersonCard key={p.email} person={p} capture={asThread} />
      ))}
    </div>
  );
}
