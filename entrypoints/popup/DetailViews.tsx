import { getDb } from '../../storage/db';
import { publicRecord } from '../../storage/records';
import { type TimelineItem, getCompany, getCompanyPeople, getContact, getTimeline } from '../../storage/queries';
import type { Activity, Company, Contact } from '../../storage/schema';
import { ContactCard } from '../../components/ContactCard';
import { CrmPanel } from '../../components/CrmPanel';
import { formatDate, safeHref } from '../../components/format';
import { Timeline } from '../../components/Timeline';
import { type Live, useLiveState } from '../../components/use-live-query';
import { QuickActions } from './QuickActions';
import { useEffect, useState } from 'preact/hooks';

// Each view reads live: an edit, a sync or a delete elsewhere shows here at once.

function Status({ s, what }: { s: Live<unknown>; what: string }) {
  if (s.state === 'loading') return <p class="empty">Loading {what}…</p>;
  if (s.state === 'error')
    return (
      <p class="empty error" role="alert">
        Could not load {what}: {s.message}
      </p>
    );
  return null;
}

type ItemActions = (typeof import('./NewItemActions'))['NewItemActions'];

/**
 * The person's pipeline items and "New deal / Open a case / Add to hiring", loaded after the person
 * shows: they bring the schemas' validators and the pipelines' write path, which the popup's read
 * path leaves out (decision 0005).
 */
function LazyItemActions(props: { contact: Contact; onOpenItem: (path: string) => void }) {
  const [Actions, setActions] = useState<{ C: ItemActions } | null>(null);
  useEffect(() => {
    void import('./NewItemActions').then((m) => setActions({ C: m.NewItemActions }));
  }, []);
  return Actions ? <Actions.C {...props} /> : null;
}

export function ContactView({ id, onOpenWorkspace }: { id: string; onOpenWorkspace: (path: string) => void }) {
  const s = useLiveState(async () => {
    const contact = await getContact(id);
    if (!contact) throw new Error('this contact no longer exists');
    return { contact, timeline: await getTimeline(id) };
  }, [id]);
  if (s.state !== 'ready') return <Status s={s} what="contact" />;
  return (
    <ContactCard contact={s.value.contact}>
      <QuickActions contact={s.value.contact} />
      <LazyItemActions contact={s.value.contact} onOpenItem={onOpenWorkspace} />
      <CrmPanel emails={s.value.contact.emails} />
      <h3 class="section-title" style="margin-left:0">
        History
      </h3>
      <Timeline items={s.value.timeline} />
    </ContactCard>
  );
}

export function CompanyView({ id, onOpenContact }: { id: string; onOpenContact: (id: string) => void }) {
  const s = useLiveState(async () => {
    const company = await getCompany(id);
    if (!company) throw new Error('this company no longer exists');
    return { company, people: await getCompanyPeople(id) };
  }, [id]);
  if (s.state !== 'ready') return <Status s={s} what="company" />;
  const { company, people } = s.value as { company: Company; people: Contact[] };
  const site = safeHref(company.website ?? (company.domain ? `https://${company.domain}` : undefined));
  return (
    <section data-testid="company-detail" class="contact-card">
      <h2 class="name" dir="auto">
        {company.name}
      </h2>
      {company.domain && (
        <div class="muted">
          {site ? (
            <a href={site} target="_blank" rel="noopener noreferrer">
              {company.domain}
            </a>
          ) : (
            company.domain
          )}
        </div>
      )}
      {company.industry && <div class="muted">{company.industry}</div>}
      <h3 class="section-title" style="margin-left:0">
        People ({people.length})
      </h3>
      {!people.length && <p class="muted small">Nobody saved at this company yet.</p>}
      {people.map((p) => (
        <div
          key={p.id}
          class="result"
          data-testid="company-person"
          tabIndex={0}
          role="button"
          onClick={() => onOpenContact(p.id)}
          onKeyDown={(e) => e.key === 'Enter' && onOpenContact(p.id)}
        >
          <div class="grow">
            <div class="ellipsis" dir="auto">
              {p.name}
            </div>
            <div class="ellipsis muted small">{[p.title, p.emails[0]].filter(Boolean).join(' · ')}</div>
          </div>
        </div>
      ))}
    </section>
  );
}

/** A conversation or note found by search: shown with the people it belongs to. */
export function ActivityView({ id, onOpenContact }: { id: string; onOpenContact: (id: string) => void }) {
  const s = useLiveState(async () => {
    const a = await getDb().activities.where('id').equals(id).first();
    if (!a) throw new Error('this entry no longer exists');
    const people = await getDb().contacts.where('id').anyOf(a.contactIds).toArray();
    return { activity: publicRecord(a) as Activity, people: people.map((p) => publicRecord(p) as Contact) };
  }, [id]);
  if (s.state !== 'ready') return <Status s={s} what="conversation" />;
  const { activity, people } = s.value;
  const item: TimelineItem = { kind: 'activity', at: activity.occurredAt, activity };
  return (
    <section data-testid="activity-detail" class="contact-card">
      <h2 class="name" dir="auto">
        {activity.subject || activity.type}
      </h2>
      <div class="muted">{formatDate(activity.occurredAt)}</div>
      <Timeline items={[item]} />
      {activity.body && activity.type === 'email' && (
        <div class="body" style="white-space:pre-wrap">
          {activity.body}
        </div>
      )}
      <h3 class="section-title" style="margin-left:0">
        People
      </h3>
      {people.map((p) => (
        <div
          key={p.id}
          class="result"
          tabIndex={0}
          role="button"
          onClick={() => onOpenContact(p.id)}
          onKeyDown={(e) => e.key === 'Enter' && onOpenContact(p.id)}
        >
          <span dir="auto">{p.name}</span>
        </div>
      ))}
    </section>
  );
}
