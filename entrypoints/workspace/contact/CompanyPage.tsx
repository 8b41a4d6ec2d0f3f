// A company's page (`#/companies/<id>`) and the new-company page (`#/companies/new`): its fields
// edited in place, its people, the combined history of its people, delete (decision 0043).
import { route } from 'preact-router';
import { useState } from 'preact/hooks';
import { safeHref } from '../../../components/format';
import { Timeline } from '../../../components/Timeline';
import { useLiveState } from '../../../components/use-live-query';
import type { DeleteResult } from '../../../storage/delete';
import { type CompanyFields, createCompany, editCompany, removeCompany, splitTags } from '../../../storage/edit';
import { getCompany, getCompanyPeople, getCompanyTimeline } from '../../../storage/queries';
import type { Company } from '../../../storage/schema';
import { recordPath } from '../routes';
import { DeleteButton, Deleted } from './DeletePanel';
import { errorsOf } from './edit-ui';
import { InlineField } from './InlineField';
import { NoteActions } from './NoteActions';
import './contact.css';

const FIELDS = [
  ['name', 'Name'],
  ['domain', 'Domain'],
  ['website', 'Website'],
  ['industry', 'Industry'],
  ['size', 'Size'],
  ['location', 'Location'],
  ['linkedinUrl', 'LinkedIn page'],
] as const;

export function CompanyPage({ id }: { id?: string; path?: string }) {
  if (!id || id === 'new') return <NewCompany />;
  return <CompanyDetail key={id} id={id} />;
}

function NewCompany() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  return (
    <section class="ws-page" data-testid="company-new-page">
      <header class="ws-page-head">
        <h1>New company</h1>
      </header>
      <form
        class="ws-form"
        data-testid="company-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget as HTMLFormElement);
          const fields: CompanyFields = Object.fromEntries(FIELDS.map(([k]) => [k, String(data.get(k) ?? '')]));
          fields.tags = splitTags(String(data.get('tags') ?? ''));
          createCompany(fields).then(
            (c) => route(recordPath('company', c.id), true),
            (x: unknown) => setErrors(errorsOf(x)),
          );
        }}
      >
        {errors.form && (
          <p class="error" role="alert">
            {errors.form}
          </p>
        )}
        {[...FIELDS, ['tags', 'Tags (comma-separated)'] as const].map(([name, label]) => (
          <label class="ws-form-field" key={name}>
            <span>{label}</span>
            <input name={name} aria-invalid={!!errors[name]} />
            {errors[name] && (
              <p class="error small" data-testid="field-error" data-field={name} role="alert">
                {errors[name]}
              </p>
            )}
          </label>
        ))}
        <div class="row">
          <button type="submit" class="primary" data-testid="company-save">
            Create company
          </button>
          <button type="button" onClick={() => history.back()}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

function saver(id: string, toFields: (draft: string) => CompanyFields) {
  return async (draft: string): Promise<string | undefined> => {
    try {
      await editCompany(id, toFields(draft));
      return undefined;
    } catch (e) {
      return Object.values(errorsOf(e)).join(' ');
    }
  };
}

function CompanyDetail({ id }: { id: string }) {
  const [deleted, setDeleted] = useState<{ name: string; result: DeleteResult } | undefined>();
  const s = useLiveState(async () => {
    const company = await getCompany(id);
    if (!company) return { company };
    return { company, people: await getCompanyPeople(id), timeline: await getCompanyTimeline(id) };
  }, [id]);
  if (deleted) return <Deleted what={deleted.name} result={deleted.result} back="/companies" backLabel="Back to Companies" />;
  if (s.state === 'loading') return <p class="empty">Loading…</p>;
  if (s.state === 'error')
    return (
      <p class="empty error" role="alert">
        Could not load this company: {s.message}
      </p>
    );
  const { company, people = [], timeline = [] } = s.value;
  if (!company)
    return (
      <section class="ws-page">
        <p>This company does not exist (any more).</p>
        <a href="#/companies">Back to Companies</a>
      </section>
    );
  return (
    <section class="ws-page" data-testid="company-detail" data-company-id={company.id}>
      <header class="ws-page-head">
        <div class="grow">
          <h1 dir="auto">{company.name}</h1>
          {company.domain && <div class="muted">{company.domain}</div>}
        </div>
        <div class="row ws-head-actions">
          <a class="button" href="#/companies/new" data-testid="company-new">
            New company
          </a>
          <DeleteButton
            what={company.name}
            consequences="Its people, deals and history stay, no longer linked to it."
            onDelete={async (archiveInCrms) => {
              const result = await removeCompany(company.id, { archiveInCrms });
              setDeleted({ name: company.name, result });
              return result;
            }}
          />
        </div>
      </header>
      <div class="ws-fields" aria-label="Details">
        {FIELDS.map(([name, label]) => {
          const value = (company as Company)[name] ?? '';
          const href = name === 'website' || name === 'linkedinUrl' ? safeHref(value) : undefined;
          return (
            <InlineField
              key={name}
              label={label}
              name={name}
              value={value}
              display={
                href ? (
                  <a href={href} target="_blank" rel="noopener noreferrer" onClick={(e) => e.stopPropagation()}>
                    {value}
                  </a>
                ) : undefined
              }
              onSave={saver(company.id, (d) => ({ [name]: d }))}
            />
          );
        })}
        <InlineField label="Tags" name="tags" value={company.tags.join(', ')} onSave={saver(company.id, (d) => ({ tags: splitTags(d) }))} />
      </div>
      <h2 class="section-title">People ({people.length})</h2>
      {!people.length && <p class="muted small">Nobody saved at this company yet.</p>}
      <ul class="ws-people">
        {people.map((p) => (
          <li key={p.id} data-testid="company-person">
            <a href={`#${recordPath('contact', p.id)}`} dir="auto">
              {p.name}
            </a>
            <span class="muted small"> {[p.title, p.emails[0]].filter(Boolean).join(' · ')}</span>
          </li>
        ))}
      </ul>
      <h2 class="section-title">History of its people</h2>
      <Timeline items={timeline} noteActions={(note) => <NoteActions key={`${note.id}|${note.updatedAt}`} note={note} />} />
    </section>
  );
}
