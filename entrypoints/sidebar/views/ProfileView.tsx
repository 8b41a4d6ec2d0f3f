import { useState } from 'preact/hooks';
import { type ProfileLike, profileChanges, saveProfile } from '../../../capture/actions';
import { ContactCard } from '../../../components/ContactCard';
import { CrmPanel } from '../../../components/CrmPanel';
import { formatDate } from '../../../components/format';
import { Timeline } from '../../../components/Timeline';
import { findContactByLinkedinIds } from '../../../storage/queries';
import type { Source } from '../../../storage/schema';
import { ContactActions } from '../ContactActions';
import { CardItems } from '../items';
import { ProfileItemActions } from '../ProfileItemActions';
import { useContact } from '../use-contact';
import { describeStorageError } from '../../../storage/errors';

const pageOf = (capture: ProfileLike) => (capture.kind === 'lead' ? capture.pageUrl : undefined);

/** A LinkedIn profile or lead: what the page says, whether the person is saved and what changed. */
export function ProfileView({ capture }: { capture: ProfileLike }) {
  const urns = capture.linkedinUrns ?? [];
  const data = useContact(() => findContactByLinkedinIds(capture.profileUrl, urns), [capture.profileUrl, urns.join(' ')]);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const contact = data?.contact;
  const changes = contact ? profileChanges(contact, capture) : [];
  const source = (): Source => ({ type: 'linkedin', ref: capture.profileUrl ?? pageOf(capture), at: new Date().toISOString() });
  const save = async (overwrite: boolean) => {
    try {
      const r = await saveProfile(capture, overwrite);
      setSaved(r.status === 'created' ? 'Saved to Rapport.' : 'Contact updated.');
      setError(null);
      return r.contact;
    } catch (e) {
      setError(describeStorageError(e));
      throw e;
    }
  };
  const title = capture.kind === 'profile' ? capture.currentTitle : capture.title;
  const company = capture.kind === 'profile' ? capture.currentCompany : capture.company;
  const experience = capture.experience ?? [];
  const education = capture.education ?? [];
  return (
    <article
      class="sb-card"
      data-testid="sidebar-contact"
      data-linkedin={capture.profileUrl ?? ''}
      data-known={data ? String(!!contact) : undefined}
    >
      <h3 dir="auto">{capture.name}</h3>
      {capture.headline && (
        <div class="small" dir="auto">
          {capture.headline}
        </div>
      )}
      {(title || company) && (
        <div class="small muted" dir="auto">
          {[title, company].filter(Boolean).join(' · ')}
        </div>
      )}
      {capture.location && (
        <div class="small muted" dir="auto">
          {capture.location}
        </div>
      )}
      {experience.length > 0 && (
        <details>
          <summary class="small">Experience ({experience.length})</summary>
          <ul class="exp">
            {experience.map((x, i) => (
              <li key={i} dir="auto">
                {[x.title, x.company, x.dateRange].filter(Boolean).join(' · ')}
              </li>
            ))}
          </ul>
        </details>
      )}
      {education.length > 0 && (
        <details>
          <summary class="small">Education ({education.length})</summary>
          <ul class="exp">
            {education.map((x, i) => (
              <li key={i} dir="auto">
                {[x.school, x.degree, x.dateRange].filter(Boolean).join(' · ')}
              </li>
            ))}
          </ul>
        </details>
      )}
      {!data ? null : contact ? (
        <div data-testid="already-saved">
          <p class="small">
            <strong>Already saved</strong>
            {contact.lastActivityAt ? ` · last activity ${formatDate(contact.lastActivityAt)}` : ''}
          </p>
          {changes.length > 0 ? (
            <div data-testid="profile-changes">
              <p class="small">Changed since you saved them:</p>
              <ul class="changes small">
                {changes.map((c) => (
                  <li key={c.field} data-field={c.field} dir="auto">
                    {c.label}: {c.saved ?? '—'} → {c.page}
                  </li>
                ))}
              </ul>
              <button class="primary" data-testid="save-contact" onClick={() => void save(true)}>
                Update contact
              </button>
            </div>
          ) : (
            <div class="sb-actions">
              <span class="small muted">Up to date.</span>
              <button data-testid="save-contact" onClick={() => void save(false)}>
                Save capture
              </button>
            </div>
          )}
        </div>
      ) : (
        <div class="sb-actions">
          <button class="primary" data-testid="save-contact" onClick={() => void save(false)}>
            Save contact
          </button>
        </div>
      )}
      {saved && (
        <p class="ok small" role="status" data-testid="contact-saved">
          {saved}
        </p>
      )}
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
      <ContactActions key={contact?.id ?? 'new'} contact={contact} ensureSaved={async () => contact ?? save(false)} source={source} />
      <ProfileItemActions capture={capture} ensureSaved={async () => contact ?? save(false)} source={source} />
      {contact && <CardItems contactId={contact.id} />}
      {contact && contact.emails.length > 0 && <CrmPanel emails={contact.emails} />}
      {contact && (
        <ContactCard contact={contact}>
          <Timeline items={data!.timeline} />
        </ContactCard>
      )}
    </article>
  );
}
