import type { ComponentChildren } from 'preact';
import type { Contact } from '../storage/schema';
import { formatDate, initials, safeHref } from './format';

/** The facts about one person; actions and history are passed in by the page that shows it. */
export function ContactCard({ contact, children }: { contact: Contact; children?: ComponentChildren }) {
  const li = safeHref(contact.linkedinUrl);
  return (
    <section data-testid="contact-detail" data-contact-id={contact.id} class="contact-card">
      <div class="row">
        <div class="avatar" aria-hidden="true">
          {initials(contact.name)}
        </div>
        <div class="grow">
          <h2 class="name" dir="auto">
            {contact.name}
          </h2>
          {(contact.title || contact.company) && (
            <div class="muted" dir="auto">
              {[contact.title, contact.company].filter(Boolean).join(' · ')}
            </div>
          )}
        </div>
      </div>
      <dl class="facts">
        {contact.emails.length > 0 && (
          <>
            <dt>Email</dt>
            <dd>
              {contact.emails.map((e) => (
                <div key={e}>{e}</div>
              ))}
            </dd>
          </>
        )}
        {contact.phones.length > 0 && (
          <>
            <dt>Phone</dt>
            <dd>
              {contact.phones.map((p) => (
                <div key={p}>{p}</div>
              ))}
            </dd>
          </>
        )}
        {contact.location && (
          <>
            <dt>Location</dt>
            <dd dir="auto">{contact.location}</dd>
          </>
        )}
        {contact.stage && (
          <>
            <dt>Stage</dt>
            <dd>{contact.stage}</dd>
          </>
        )}
        {contact.lastActivityAt && (
          <>
            <dt>Last contact</dt>
            <dd>{formatDate(contact.lastActivityAt)}</dd>
          </>
        )}
        {contact.linkedinUrl && (
          <>
            <dt>LinkedIn</dt>
            <dd>
              {li ? (
                <a href={li} target="_blank" rel="noopener noreferrer">
                  {contact.linkedinId ?? li}
                </a>
              ) : (
                contact.linkedinUrl
              )}
            </dd>
          </>
        )}
      </dl>
      {contact.tags.length > 0 && (
        <div>
          {contact.tags.map((t) => (
            <span class="chip" key={t}>
              {t}
            </span>
          ))}
        </div>
      )}
      {children}
    </section>
  );
}
