// Custom fields, defined once for all contacts (decision 0043): the form that defines one (on a
// contact's page and in Settings) and Settings' list of them.
import { useState } from 'preact/hooks';
import { useLiveQuery } from '../../../components/use-live-query';
import { defineCustomField, removeCustomField } from '../../../storage/edit';
import { getSettings } from '../../../storage/settings';
import { errorsOf } from './edit-ui';

/** Defines a custom field for all contacts. */
export function NewCustomField() {
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | undefined>();
  return (
    <form
      class="row small ws-new-field"
      onSubmit={(e) => {
        e.preventDefault();
        defineCustomField(label).then(
          () => {
            setLabel('');
            setError(undefined);
          },
          (x: unknown) => setError(Object.values(errorsOf(x)).join(' ')),
        );
      }}
    >
      <input
        aria-label="New field for all contacts"
        placeholder="New field for all contacts"
        data-testid="custom-field-label"
        value={label}
        onInput={(e) => setLabel((e.target as HTMLInputElement).value)}
      />
      <button type="submit" data-testid="custom-field-add" disabled={!label.trim()}>
        Add field
      </button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

/** Settings' card: every custom field, each removable (values stay on the contacts), and a new one. */
export function CustomFieldsSection() {
  const settings = useLiveQuery(() => getSettings(), []);
  const fields = settings?.customFields ?? [];
  return (
    <section class="card" aria-labelledby="custom-fields-h" data-testid="custom-fields">
      <h2 id="custom-fields-h">Custom fields</h2>
      <p class="muted small">
        Fields every contact's page shows, besides the built-in ones. Removing one hides its values; they come back if you add it again.
      </p>
      {settings && !fields.length && <p class="muted small">None yet.</p>}
      <ul class="ws-custom-list">
        {fields.map((f) => (
          <li key={f.key} data-testid="custom-field" data-key={f.key}>
            {f.label}{' '}
            <button type="button" class="link small" data-testid="custom-field-remove" onClick={() => void removeCustomField(f.key)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <NewCustomField />
    </section>
  );
}
