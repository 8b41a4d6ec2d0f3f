import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { browser } from 'wxt/browser';
import { type OutsidePerson, type ProfileLike, logThread, outsidePeople, profileChanges, saveMailPerson, saveProfile } from '../../capture/actions';
import { callBackground } from '../../messaging/client';
import { PageCapture, RapportEvent } from '../../messaging/protocol';
import type { ComposeCapture } from '../../capture/compose';
import type { LinkedinCompanyCapture } from '../../capture/linkedin';
import type { ThreadCapture } from '../../capture/mail';
import { type TimelineItem, findContactByEmail, findContactByLinkedin, getTimeline, upsertCompany } from '../../storage/repositories';
import type { Contact, Source } from '../../storage/schema';
import type { Settings } from '../../storage/settings';
import { ContactCard } from '../../components/ContactCard';
import { CrmPanel } from '../../components/CrmPanel';
import { formatDate } from '../../components/format';
import { Timeline } from '../../components/Timeline';
import { ContactActions } from './ContactActions';

type State = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; capture: PageCapture | null; settings: Settings };

// Asked for as soon as the frame's script runs (not after the first paint): the first cards
// appear one round trip after the frame loads.
let initial: Promise<{ tabId: number; capture: PageCapture | null; settings: Settings }> | undefined;
/** The content script's session this frame belongs to (see sites/common/sidebar-frame.ts). */
const session = new URLSearchParams(location.search).get('session') ?? undefined;
export function prefetchSidebar() {
  initial ??= callBackground('getCapture', session ? { session } : {});
  return initial;
}

// Captures sent straight from the content script (a MessagePort handed over with our session,
// registered at module load so none is missed). Validated like any message: the page could post
// to this frame too, but it cannot know the session. Each capture also comes through the
// background (numbered alike): the first copy to arrive is shown, the other is skipped.
type DirectListener = (capture: PageCapture, seq: number | undefined) => void;
const direct: { latest?: { capture: PageCapture; seq: number }; listener?: DirectListener } = {};
const DirectMessage = z.object({ capture: PageCapture, seq: z.number().int().nonnegative() });
if (session) {
  addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { rapportPort?: unknown } | null;
    if (!data || data.rapportPort !== session || !event.ports[0]) return;
    event.ports[0].onmessage = (m: MessageEvent) => {
      if (!direct.latest) performance.mark('rapport:capture-direct'); // read by npm run bench:sidebar
      const parsed = DirectMessage.safeParse(m.data);
      if (!parsed.success) return;
      direct.latest = parsed.data;
      direct.listener?.(parsed.data.capture, parsed.data.seq);
    };
  });
  // Ask the content script for the port now rather than at this frame's load event. Nothing
  // secret in it: the page sees it too, and the content script answers only its own frame.
  window.parent.postMessage({ rapportSidebarReady: true }, '*');
}

export function SidebarApp() {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [collapsed, setCollapsed] = useState(false);

  useEffect(() => {
    let tabId: number | undefined;
    let settings: Settings | undefined;
    // Captures that arrive before the settings are kept (the newest) and applied once they are.
    let early: PageCapture | undefined;
    let shownSeq = -1;
    const apply = (capture: PageCapture, seq: number | undefined) => {
      if (seq !== undefined) {
        if (seq <= shownSeq) return; // already shown (the other copy), or older
        shownSeq = seq;
      }
      if (settings) setState({ status: 'ready', capture, settings });
      else early = capture;
    };
    direct.listener = apply;
    if (direct.latest) apply(direct.latest.capture, direct.latest.seq);
    const onEvent = (raw: unknown) => {
      const ev = RapportEvent.safeParse(raw);
      if (!ev.success || ev.data.rapportEvent !== 'capture') return undefined;
      if (session ? ev.data.session !== session : ev.data.tabId !== tabId) return undefined;
      apply(ev.data.capture, ev.data.seq);
      return undefined;
    };
    browser.runtime.onMessage.addListener(onEvent);
    prefetchSidebar()
      .then((res) => {
        performance.mark('rapport:capture-received'); // read by npm run bench:sidebar
        const s = res.settings;
        tabId = res.tabId;
        settings = s;
        setCollapsed(s.sidebarCollapsed);
        setState({ status: 'ready', capture: early ?? res.capture, settings: s });
      })
      .catch((e: unknown) => setState({ status: 'error', message: e instanceof Error ? e.message : String(e) }));
    return () => {
      browser.runtime.onMessage.removeListener(onEvent);
      direct.listener = undefined;
    };
  }, []);

  const toggle = () => {
    const next = !collapsed;
    setCollapsed(next);
    void callBackground('setSidebarCollapsed', { collapsed: next }).catch(() => undefined);
  };

  if (collapsed) {
    return (
      <div class="sb-collapsed">
        <button data-testid="sidebar-toggle" aria-expanded="false" aria-label="Open Rapport sidebar" onClick={toggle}>R</button>
      </div>
    );
  }
  return (
    <div>
      <header class="sb-head">
        <span class="brand">Rapport</span>
        <button data-testid="sidebar-toggle" aria-expanded="true" aria-label="Collapse Rapport sidebar" onClick={toggle}>⟩</button>
      </header>
      {state.status === 'loading' && <p class="empty">Reading this page…</p>}
      {state.status === 'error' && <p class="empty error" role="alert">Rapport could not read this page: {state.message}</p>}
      {state.status === 'ready' && <CaptureView capture={state.capture} settings={state.settings} />}
    </div>
  );
}

const NOT_CAPTURABLE_TEXT: Record<string, string> = {
  'not-found': 'This profile does not exist or is not visible to you.',
  'auth-wall': 'LinkedIn is asking to sign in: nothing to read on this page.',
  'not-a-profile-page': 'This page is not a profile, company or lead page.',
  'missing-field': 'This page does not show what Rapport needs (its layout may have changed).',
  'no-thread': 'Open a conversation to see the people in it.',
  'unsupported-page': 'Open a conversation to see the people in it.',
};

/**
 * Marks when a capture's cards are on screen (read by npm run bench:sidebar; a user-timing mark):
 * the DOM is committed (layout effect), the next frame renders it, and a task queued from that
 * frame's animation callback runs once it has been painted.
 */
function usePaintMark(capture: PageCapture | null) {
  useLayoutEffect(() => {
    if (!capture) return;
    requestAnimationFrame(() =>
      setTimeout(() => {
        performance.mark('rapport:cards-painted');
        (window as unknown as { __rapportPainted?: { url: string; at: number } }).__rapportPainted = {
          url: capture.url,
          at: performance.timeOrigin + performance.now(),
        };
      }, 0),
    );
  }, [capture]);
}

/**
 * Marks when a card first shows what the database holds for its person (or that it holds
 * nothing): read by npm run bench:sidebar next to the first-paint mark above.
 */
function useLookupShownMark(looked: boolean) {
  useLayoutEffect(() => {
    if (!looked) return;
    const w = window as unknown as { __rapportLookupShown?: { at: number } };
    if (w.__rapportLookupShown) return;
    requestAnimationFrame(() =>
      setTimeout(() => {
        w.__rapportLookupShown ??= { at: performance.timeOrigin + performance.now() };
      }, 0),
    );
  }, [looked]);
}

function CaptureView({ capture, settings }: { capture: PageCapture | null; settings: Settings }) {
  usePaintMark(capture);
  if (!capture) return <p class="empty">Open a conversation or a LinkedIn profile.</p>;
  const r = capture.result;
  if (r.kind === 'not-capturable') {
    return (
      <div class="empty" data-testid="not-a-profile" data-reason={r.reason} role="status">
        <p>{NOT_CAPTURABLE_TEXT[r.reason] ?? 'Nothing to capture on this page.'}</p>
        {r.reason === 'missing-field' && <p class="small muted">{r.detail}</p>}
      </div>
    );
  }
  if (r.kind === 'thread') return <ThreadView capture={r} settings={settings} />;
  if (r.kind === 'company') return <CompanyCaptureCard capture={r} />;
  if (r.kind === 'compose') return <ComposeRecipientsView capture={r} settings={settings} />;
  return <ProfileCard key={r.profileUrl ?? r.name} capture={r} />;
}

// ------------------------------------------------------------------ mail

function ThreadView({ capture, settings }: { capture: ThreadCapture; settings: Settings }) {
  const people = outsidePeople(capture, settings);
  const [logged, setLogged] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);
  useEffect(() => setLogged(null), [capture.threadId]);
  const log = async () => {
    setBusy(true);
    try {
      const r = await logThread(capture, settings);
      setLogged({ ok: true, text: r.added ? `Logged ${r.added} message${r.added === 1 ? '' : 's'} to ${r.contacts.length} contact${r.contacts.length === 1 ? '' : 's'}.` : 'Already logged: nothing new.' });
      setVersion((v) => v + 1);
    } catch (e) {
      setLogged({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <div class="sb-section">
        <div class="small muted">Conversation · {capture.messages.length} message{capture.messages.length === 1 ? '' : 's'}</div>
        <div dir="auto"><strong>{capture.subject || '(no subject)'}</strong></div>
        <div class="sb-actions">
          <button class="primary" data-testid="log-thread" onClick={log} disabled={busy || !people.length}>{busy ? 'Logging…' : 'Log this thread'}</button>
        </div>
        {logged && (
          <p class={logged.ok ? 'ok small' : 'error small'} role={logged.ok ? 'status' : 'alert'} data-testid={logged.ok ? 'thread-logged' : 'thread-log-failed'}>
            {logged.text}
          </p>
        )}
      </div>
      {!people.length && <p class="empty">Everyone in this conversation is on your team.</p>}
      {people.map((p) => <MailPersonCard key={p.email} person={p} capture={capture} refresh={version} />)}
    </div>
  );
}

/**
 * The message being written (Gmail through InboxSDK): one card per outside recipient, as in a
 * thread. The recipients become a one-message thread so the same rules (team, never-capture) and
 * the same card apply; nothing is logged from a draft.
 */
function ComposeRecipientsView({ capture, settings }: { capture: ComposeCapture; settings: Settings }) {
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
        <div class="small muted">Writing to {capture.recipients.length} recipient{capture.recipients.length === 1 ? '' : 's'}</div>
      </div>
      {!people.length && <p class="empty">Everyone you are writing to is on your team.</p>}
      {people.map((p) => <MailPersonCard key={p.email} person={p} capture={asThread} refresh={0} />)}
    </div>
  );
}

function useContact(find: () => Promise<Contact | undefined>, deps: unknown[]) {
  const [data, setData] = useState<{ contact?: Contact; timeline: TimelineItem[] } | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    void (async () => {
      const contact = await find();
      const timeline = contact ? await getTimeline(contact.id) : [];
      if (live) setData({ contact, timeline });
    })();
    return () => {
      live = false;
    };
  }, [...deps, version]);
  return { data, reload: () => setVersion((v) => v + 1) };
}

function OpenTasks({ timeline }: { timeline: TimelineItem[] }) {
  const open = timeline.filter((i): i is Extract<TimelineItem, { kind: 'task' }> => i.kind === 'task' && !i.task.done);
  if (!open.length) return null;
  return (
    <div class="small">
      <strong>Open follow-ups:</strong> {open.map((t) => `${t.task.title}${t.task.dueAt ? ` (${formatDate(t.task.dueAt)})` : ''}`).join('; ')}
    </div>
  );
}

function MailPersonCard({ person, capture, refresh }: { person: OutsidePerson; capture: ThreadCapture; refresh: number }) {
  const { data, reload } = useContact(() => findContactByEmail(person.email), [person.email, refresh]);
  const [saved, setSaved] = useState<string | null>(null);
  const source = (): Source => ({ type: capture.site, ref: capture.threadId, at: new Date().toISOString() });
  const save = async () => {
    const r = await saveMailPerson(capture, person);
    setSaved(r.status === 'created' ? 'Contact saved.' : r.status === 'merged' ? 'Contact updated.' : 'Already up to date.');
    reload();
    return r.contact;
  };
  useLookupShownMark(data !== null);
  const contact = data?.contact;
  const sig = person.fromSignature;
  return (
    <article class="sb-card" data-testid="sidebar-contact" data-email={person.email} data-known={data ? String(!!contact) : undefined}>
      {contact ? (
        <ContactCard contact={contact}>
          <OpenTasks timeline={data!.timeline} />
        </ContactCard>
      ) : (
        <div>
          <h3 dir="auto">{person.name}</h3>
          <div class="muted small">{person.email}</div>
          {(sig.title || sig.company) && <div class="small" dir="auto">{[sig.title, sig.company].filter(Boolean).join(' · ')}</div>}
          {sig.phones.length > 0 && <div class="small">{sig.phones.join(', ')}</div>}
          {sig.linkedinUrl && <div class="small muted">{sig.linkedinUrl}</div>}
          {data && <p class="small muted">Not in Rapport yet.</p>}
        </div>
      )}
      <CrmPanel emails={[person.email]} />
      <div class="sb-actions">
        <button data-testid="save-contact" class={contact ? '' : 'primary'} onClick={() => void save()}>{contact ? 'Update from email' : 'Save contact'}</button>
      </div>
      {saved && <p class="ok small" role="status" data-testid="contact-saved">{saved}</p>}
      <ContactActions key={contact?.updatedAt ?? 'new'} contact={contact} ensureSaved={async () => contact ?? save()} source={source} onChanged={reload} />
      {contact && (
        <>
          <h4 class="section-title" style="margin-left:0">History</h4>
          <Timeline items={data!.timeline} />
        </>
      )}
    </article>
  );
}

// ------------------------------------------------------------------ LinkedIn

function ProfileCard({ capture }: { capture: ProfileLike }) {
  const { data, reload } = useContact(() => (capture.profileUrl ? findContactByLinkedin(capture.profileUrl) : Promise.resolve(undefined)), [capture.profileUrl]);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useLookupShownMark(data !== null);
  const contact = data?.contact;
  const changes = contact ? profileChanges(contact, capture) : [];
  const source = (): Source => ({ type: 'linkedin', ref: capture.profileUrl, at: new Date().toISOString() });
  const save = async (overwrite: boolean) => {
    try {
      const r = await saveProfile(capture, overwrite);
      setSaved(r.status === 'created' ? 'Saved to Rapport.' : 'Contact updated.');
      setError(null);
      reload();
      return r.contact;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      throw e;
    }
  };
  const title = capture.kind === 'profile' ? capture.currentTitle : capture.title;
  const company = capture.kind === 'profile' ? capture.currentCompany : capture.company;
  return (
    <article class="sb-card" data-testid="sidebar-contact" data-linkedin={capture.profileUrl ?? ''} data-known={data ? String(!!contact) : undefined}>
      <h3 dir="auto">{capture.name}</h3>
      {capture.headline && <div class="small" dir="auto">{capture.headline}</div>}
      {(title || company) && <div class="small muted" dir="auto">{[title, company].filter(Boolean).join(' · ')}</div>}
      {capture.location && <div class="small muted" dir="auto">{capture.location}</div>}
      {capture.kind === 'profile' && capture.experience.length > 0 && (
        <details>
          <summary class="small">Experience ({capture.experience.length})</summary>
          <ul class="exp">{capture.experience.map((x, i) => <li key={i} dir="auto">{[x.title, x.company, x.dateRange].filter(Boolean).join(' · ')}</li>)}</ul>
        </details>
      )}
      {capture.kind === 'profile' && capture.education.length > 0 && (
        <details>
          <summary class="small">Education ({capture.education.length})</summary>
          <ul class="exp">{capture.education.map((x, i) => <li key={i} dir="auto">{[x.school, x.degree, x.dateRange].filter(Boolean).join(' · ')}</li>)}</ul>
        </details>
      )}
      {!data ? null : contact ? (
        <div data-testid="already-saved">
          <p class="small"><strong>Already saved</strong>{contact.lastActivityAt ? ` · last activity ${formatDate(contact.lastActivityAt)}` : ''}</p>
          {changes.length > 0 ? (
            <div data-testid="profile-changes">
              <p class="small">Changed since you saved them:</p>
              <ul class="changes small">
                {changes.map((c) => (
                  <li key={c.field} data-field={c.field} dir="auto">{c.label}: {c.saved ?? '—'} → {c.page}</li>
                ))}
              </ul>
              <button class="primary" data-testid="save-contact" onClick={() => void save(true)}>Update contact</button>
            </div>
          ) : (
            <div class="sb-actions"><span class="small muted">Up to date.</span><button data-testid="save-contact" onClick={() => void save(false)}>Save capture</button></div>
          )}
        </div>
      ) : (
        <div class="sb-actions"><button class="primary" data-testid="save-contact" onClick={() => void save(false)}>Save contact</button></div>
      )}
      {saved && <p class="ok small" role="status" data-testid="contact-saved">{saved}</p>}
      {error && <p class="error small" role="alert">{error}</p>}
      <ContactActions key={contact?.updatedAt ?? 'new'} contact={contact} ensureSaved={async () => contact ?? save(false)} source={source} onChanged={reload} />
      {contact && contact.emails.length > 0 && <CrmPanel emails={contact.emails} />}
      {contact && (
        <ContactCard contact={contact}>
          <Timeline items={data!.timeline} />
        </ContactCard>
      )}
    </article>
  );
}

function CompanyCaptureCard({ capture }: { capture: LinkedinCompanyCapture }) {
  const [saved, setSaved] = useState<string | null>(null);
  const save = async () => {
    const c = await upsertCompany(
      { name: capture.name, domain: capture.domain, website: capture.website, industry: capture.industry, size: capture.size, location: capture.location, linkedinUrl: capture.linkedinUrl },
      { type: 'linkedin', ref: capture.linkedinUrl, at: new Date().toISOString() },
    );
    setSaved(`Saved ${c.name}.`);
  };
  return (
    <article class="sb-card" data-testid="sidebar-company" data-linkedin={capture.linkedinUrl}>
      <h3 dir="auto">{capture.name}</h3>
      {capture.domain && <div class="small muted">{capture.domain}</div>}
      {capture.industry && <div class="small">{capture.industry}</div>}
      {capture.size && <div class="small muted">{capture.size}</div>}
      <div class="sb-actions"><button class="primary" data-testid="save-company" onClick={() => void save()}>Save company</button></div>
      {saved && <p class="ok small" role="status" data-testid="company-saved">{saved}</p>}
    </article>
  );
}
