import { useState } from 'preact/hooks';
import { FieldError } from '../../../components/FieldError';
import { useLiveQuery } from '../../../components/use-live-query';
import type { ContactFields } from '../../../storage/edit';
import { splitLines, splitTags } from '../../../storage/edit';
import { suggestCompanies } from '../../../storage/queries';
import { type Contact, STAGES } from '../../../storage/schema';
import type { Settings } from '../../../storage/settings';

/** Existing companies whose name starts with `text`, as a datalist the company inputs point at. */
export function CompanySuggestions({ id, text }: { id: string; text: string }) {
  const companies = useLiveQuery(() => suggestCompanies(text), [text]) ?? [];
  return (
    <datalist id={id} data-testid="company-suggestions">
      {companies.map((c) => (
        <option key={c.id} value={c.name} />
      ))}
    </datalist>
  );
}

const TEXT_FIELDS = [
  ['name', 'Name'],
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
  ['title', 'Title'],
] as const;
const MORE_FIELDS = [
  ['location', 'Location'],
  ['linkedinUrl', 'LinkedIn URL'],
  ['website', 'Website'],
] as const;

/**
 * Every field of a person in one form (creating, or editing all at once): e-mails and phones one
 * per line (the first e-mail is the primary), tags comma-separated. `onSubmit` saves and returns
 * the messages of fields that did not pass, shown under each field; nothing is saved then.
 */
export function ContactForm({
  contact,
  customFields,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  contact?: Contact;
  customFields: Settings['customFields'];
  submitLabel: string;
  onSubmit: (fields: ContactFields) => Promise<Record<string, string> | undefined>;
  onCancel?: () => void;
}) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [companyText, setCompanyText] = useState(contact?.company ?? '');
  const input = (name: string, label: string, value: string | undefined) => (
    <label class="ws-form-field" key={name}>
      <span>{label}</span>
      <input name={name} defaultValue={value ?? ''} aria-invalid={!!errors[name]} />
      <FieldError errors={errors} name={name} />
    </label>
  );
  return (
    <form
      class="ws-form"
      data-testid="contact-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget as HTMLFormElement);
        const text = (k: string) => String(data.get(k) ?? '');
        const fields: ContactFields = {
          name: text('name'),
          firstName: text('firstName'),
          lastName: text('lastName'),
          emails: splitLines(text('emails')),
          phones: splitLines(text('phones')),
          title: text('title'),
          company: text('company'),
          location: text('location'),
          linkedinUrl: text('linkedinUrl'),
          website: text('website'),
          tags: splitTags(text('tags')),
          stage: text('stage'),
          custom: Object.fromEntries(customFields.map((f) => [f.key, text(`custom.${f.key}`)])),
        };
        setBusy(true);
        void onSubmit(fields).then((errs) => {
          setBusy(false);
          setErrors(errs ?? {});
        });
      }}
    >
      {Object.keys(errors).length > 0 && (
        <p class="error" data-testid="contact-form-errors" role="alert">
          Nothing was saved: {Object.keys(errors).length === 1 ? 'one field needs' : 'some fields need'} a change.
          {errors.form ? ` ${errors.form}` : ''}
        </p>
      )}
      {TEXT_FIELDS.map(([name, label]) => input(name, label, contact?.[name]))}
      <label class="ws-form-field">
        <span>E-mails (one per line; the first is the primary)</span>
        <textarea name="emails" rows={3} defaultValue={(contact?.emails ?? []).join('\n')} aria-invalid={!!errors.emails} />
        <FieldError errors={errors} name="emails" />
      </label>
      <label class="ws-form-field">
        <span>Phones (one per line, with the country code)</span>
        <textarea name="phones" rows={2} defaultValue={(contact?.phones ?? []).join('\n')} aria-invalid={!!errors.phones} />
        <FieldError errors={errors} name="phones" />
      </label>
      <label class="ws-form-field">
        <span>Company</span>
        <input
          name="company"
          list="contact-form-companies"
          autoComplete="off"
          defaultValue={contact?.company ?? ''}
          onInput={(e) => setCompanyText((e.target as HTMLInputElement).value)}
        />
        <CompanySuggestions id="contact-form-companies" text={companyText} />
        <FieldError errors={errors} name="company" />
      </label>
      {MORE_FIELDS.map(([name, label]) => input(name, label, contact?.[name]))}
      <label class="ws-form-field">
        <span>Tags (comma-separated)</span>
        <input name="tags" defaultValue={(contact?.tags ?? []).join(', ')} />
        <FieldError errors={errors} name="tags" />
      </label>
      <label class="ws-form-field">
        <span>Stage</span>
        <select name="stage" defaultValue={contact?.stage ?? ''}>
          <option value="">—</option>
          {STAGES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
          {contact?.stage && !(STAGES as readonly string[]).includes(contact.stage) && (
            <option value={contact.stage}>{contact.stage}</option>
          )}
        </select>
        <FieldError errors={errors} name="stage" />
      </label>
      {customFields.map((f) => (
        <label class="ws-form-field" key={f.key}>
          <span>{f.label}</span>
          <input name={`custom.${f.key}`} defaultValue={contact?.custom?.[f.key] ?? ''} />
          <FieldError errors={errors} name={`custom.${f.key}`} />
        </label>
      ))}
      <div class="row">
        <button type="submit" class="primary" data-testid="contact-save" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
