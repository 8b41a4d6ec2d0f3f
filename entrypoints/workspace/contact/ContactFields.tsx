import { useState } from 'preact/hooks';
import { safeHref } from '../../../components/format';
import { type ContactFields, editContact, removeCustomField, splitLines, splitTags } from '../../../storage/edit';
import { type Contact, STAGES } from '../../../storage/schema';
import type { Settings } from '../../../storage/settings';
import { CompanySuggestions } from './ContactForm';
import { NewCustomField } from './CustomFields';
import { browserRegion, errorsOf } from './edit-ui';
import { InlineField } from './InlineField';

/** Saves one field; the message of what did not pass, if anything. */
function saver(id: string, toFields: (draft: string) => ContactFields) {
  return async (draft: string): Promise<string | undefined> => {
    try {
      await editContact(id, toFields(draft), { defaultCountry: browserRegion() });
      return undefined;
    } catch (e) {
      return Object.values(errorsOf(e)).join(' ');
    }
  };
}

function Link({ href, text }: { href?: string; text: string }) {
  const safe = safeHref(href);
  return safe ? (
    <a href={safe} target="_blank" rel="noopener noreferrer" onClick={(e) => e.stopPropagation()}>
      {text}
    </a>
  ) : (
    <>{text}</>
  );
}

/** Every field of a person, each edited in place, then the custom fields (defined once for everyone). */
export function ContactFieldList({ contact, customFields }: { contact: Contact; customFields: Settings['customFields'] }) {
  const id = contact.id;
  const [companyText, setCompanyText] = useState(contact.company ?? '');
  const text = (name: 'firstName' | 'lastName' | 'title' | 'location', label: string) => (
    <InlineField label={label} name={name} value={contact[name] ?? ''} onSave={saver(id, (d) => ({ [name]: d }))} />
  );
  return (
    <div class="ws-fields" aria-label="Details">
      <InlineField label="Name" name="name" value={contact.name} onSave={saver(id, (d) => ({ name: d }))} />
      {text('firstName', 'First name')}
      {text('lastName', 'Last name')}
      <InlineField
        label="E-mails"
        name="emails"
        kind="lines"
        value={contact.emails.join('\n')}
        display={
          contact.emails.length ? (
            <span>
              {contact.emails.map((e, i) => (
                <span key={e} class="ws-line">
                  {e}
                  {i === 0 && contact.emails.length > 1 && (
                    <>
                      {' '}
                      <span class="chip">primary</span>
                    </>
                  )}
                </span>
              ))}
            </span>
          ) : undefined
        }
        onSave={saver(id, (d) => ({ emails: splitLines(d) }))}
      />
      <InlineField
        label="Phones"
        name="phones"
        kind="lines"
        value={contact.phones.join('\n')}
        display={
          contact.phones.length ? (
            <span>
              {contact.phones.map((p) => (
                <span key={p} class="ws-line">
                  {p}
                </span>
              ))}
            </span>
          ) : undefined
        }
        onSave={saver(id, (d) => ({ phones: splitLines(d) }))}
      />
      {text('title', 'Title')}
      <InlineField
        label="Company"
        name="company"
        value={contact.company ?? ''}
        list="inline-companies"
        display={
          contact.companyId && contact.company ? (
            <a href={`#/companies/${encodeURIComponent(contact.companyId)}`}>{contact.company}</a>
          ) : undefined
        }
        onDraft={setCompanyText}
        onSave={saver(id, (d) => ({ company: d }))}
      />
      <CompanySuggestions id="inline-companies" text={companyText} />
      {text('location', 'Location')}
      <InlineField
        label="LinkedIn"
        name="linkedinUrl"
        value={contact.linkedinUrl ?? ''}
        display={contact.linkedinUrl ? <Link href={contact.linkedinUrl} text={contact.linkedinId ?? contact.linkedinUrl} /> : undefined}
        onSave={saver(id, (d) => ({ linkedinUrl: d }))}
      />
      <InlineField
        label="Website"
        name="website"
        value={contact.website ?? ''}
        display={contact.website ? <Link href={contact.website} text={contact.website} /> : undefined}
        onSave={saver(id, (d) => ({ website: d }))}
      />
      <InlineField
        label="Tags"
        name="tags"
        value={contact.tags.join(', ')}
        display={
          contact.tags.length ? (
            <span>
              {contact.tags.map((t) => (
                <span class="chip" key={t}>
                  {t}
                </span>
              ))}
            </span>
          ) : undefined
        }
        onSave={saver(id, (d) => ({ tags: splitTags(d) }))}
      />
      <InlineField
        label="Stage"
        name="stage"
        kind="select"
        options={STAGES}
        value={contact.stage ?? ''}
        onSave={saver(id, (d) => ({ stage: d }))}
      />
      {customFields.map((f) => (
        <div class="ws-custom" key={f.key}>
          <InlineField
            label={f.label}
            name={`custom.${f.key}`}
            value={contact.custom?.[f.key] ?? ''}
            onSave={saver(id, (d) => ({ custom: { [f.key]: d } }))}
          />
          <button
            type="button"
            class="link small"
            title={`Remove the field “${f.label}” from every contact's page (values are kept)`}
            onClick={() => void removeCustomField(f.key)}
          >
            Remove field
          </button>
        </div>
      ))}
      <NewCustomField />
    </div>
  );
}
