// The task form's people and company pickers in the workspace: people found as you type through the
// search index (as the popup finds them), the company from its name with the contact page's type-ahead.
import { useEffect, useState } from 'preact/hooks';
import type { TaskLinks } from '../../../components/FollowUpForm';
import { useLiveQuery } from '../../../components/use-live-query';
import { getDb } from '../../../storage/db';
import { search } from '../../../storage/search-index';
import { CompanySuggestions } from '../contact/ContactForm';

export function TaskLinksPicker({ value, onChange }: { value: TaskLinks; onChange: (next: TaskLinks) => void }) {
  const db = getDb();
  const [text, setText] = useState('');
  const ids = value.contactIds;
  const chosen = useLiveQuery(() => (ids.length ? db.contacts.where('id').anyOf(ids).toArray() : []), [ids.join('\n')]) ?? [];
  const found =
    useLiveQuery(async () => (text.trim() ? (await search(db, text, { kinds: ['contact'], limit: 6 })).contacts : []), [text]) ?? [];
  const company = useLiveQuery(
    () => (value.companyId ? db.companies.where('id').equals(value.companyId).first() : undefined),
    [value.companyId],
  );
  const [companyText, setCompanyText] = useState<string | undefined>();
  // The company field shows the linked company's name until the user types.
  const shownCompany = companyText ?? company?.name ?? '';
  useEffect(() => {
    if (companyText === undefined) return;
    let live = true;
    const name = companyText.trim();
    void (name ? db.companies.where('name').equalsIgnoreCase(name).first() : Promise.resolve(undefined)).then((c) => {
      if (live && c?.id !== value.companyId) onChange({ ...value, companyId: c?.id });
    });
    return () => {
      live = false;
    };
  }, [companyText]);
  return (
    <div class="task-links" data-testid="task-links">
      <div class="row task-people">
        {ids.map((id) => (
          <span key={id} class="chip" data-testid="task-person" data-id={id}>
            {chosen.find((c) => c.id === id)?.name ?? id}
            <button
              type="button"
              class="link"
              aria-label="Remove"
              data-testid="task-person-remove"
              onClick={() => onChange({ ...value, contactIds: ids.filter((x) => x !== id) })}
            >
              ×
            </button>
          </span>
        ))}
        <input
          aria-label="Link a person"
          placeholder="Link a person…"
          data-testid="task-person-input"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
        />
      </div>
      {found.length > 0 && (
        <ul class="task-person-options" role="listbox" aria-label="People">
          {found
            .filter((h) => !ids.includes(h.record.id))
            .map((h) => (
              <li key={h.record.id}>
                <button
                  type="button"
                  class="link"
                  data-testid="task-person-option"
                  data-id={h.record.id}
                  onClick={() => {
                    onChange({ ...value, contactIds: [...ids, h.record.id] });
                    setText('');
                  }}
                >
                  {h.record.name}
                  {h.record.emails[0] ? ` · ${h.record.emails[0]}` : ''}
                </button>
              </li>
            ))}
        </ul>
      )}
      <input
        aria-label="Company"
        placeholder="Company"
        list="task-companies"
        data-testid="task-company-input"
        value={shownCompany}
        onInput={(e) => setCompanyText((e.target as HTMLInputElement).value)}
      />
      <CompanySuggestions id="task-companies" text={shownCompany} />
      {companyText?.trim() && !value.companyId && (
        <p class="muted small">No company by that name yet: the task will not be linked to one.</p>
      )}
    </div>
  );
}
