import { useState } from 'preact/hooks';
import { type OutsidePerson, saveMailPerson } from '../../capture/actions';
import type { ThreadCapture } from '../../capture/mail';
import { ContactCard } from '../../components/ContactCard';
import { CrmPanel } from '../../components/CrmPanel';
import { Timeline } from '../../components/Timeline';
import { findContactByEmail } from '../../storage/queries';
import type { Source } from '../../storage/schema';
import { ContactActions } from './ContactActions';
import { CardItems } from './items';
import { useContact } from './use-contact';

/** One outside person of a conversation: what is stored about them, or what the email tells. */
export function MailPersonCard({ person, capture }: { person: OutsidePerson; capture: ThreadCapture }) {
  const data = useContact(() => findContactByEmail(person.email), [person.email]);
  const [saved, setSaved] = useState<string | null>(null);
  const source = (): Source => ({ type: capture.site, ref: capture.threadId, at: new Date().toISOString() });
  const save = async () => {
    const r = await saveMailPerson(capture, person);
    setSaved(r.status === 'created' ? 'Contact saved.' : r.status === 'merged' ? 'Contact updated.' : 'Already up to date.');
    return r.contact;
  };
  const contact = data?.contact;
  const sig = person.fromSignature;
  return (
    <article class="sb-card" data-testid="sidebar-contact" data-email={person.email} data-known={data ? String(!!contact) : undefined}>
      {contact ? (
        <ContactCard contact={contact} />
      ) : (
        <div>
          <h3 dir="auto">{person.name}</h3>
          <div class="muted small">{person.email}</div>
          {(sig.title || sig.company) && (
            <div class="small" dir="auto">
              {[sig.title, sig.company].filter(Boolean).join(' · ')}
            </div>
          )}
          {sig.phones.length > 0 && <div class="small">{sig.phones.join(', ')}</div>}
          {sig.linkedinUrl && <div class="small muted">{sig.linkedinUrl}</div>}
          {data && <p class="small muted">Not in Rapport yet.</p>}
        </div>
      )}
      <CrmPanel emails={[person.email]} />
      <div class="sb-actions">
        <button data-testid="save-contact" class={contact ? '' : 'primary'} onClick={() => void save()}>
          {contact ? 'Update from email' : 'Save contact'}
        </button>
      </div>
      {saved && (
        <p class="ok small" role="status" data-testid="contact-saved">
          {saved}
        </p>
      )}
      <ContactActions key={contact?.id ?? 'new'} contact={contact} ensureSaved={async () => contact ?? save()} source={source} />
      {contact && <CardItems contactId={contact.id} />}
      {contact && (
        <>
          <h4 class="section-title" style="margin-left:0">
            History
          </h4>
          <Timeline items={data!.timeline} />
        </>
      )}
    </article>
  );
}
