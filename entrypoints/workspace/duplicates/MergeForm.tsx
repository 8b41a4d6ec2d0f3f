// The merge of one suggested pair: which record keeps its id, a value per field that differs (the
// fuller, newer one chosen to begin with), what the survivor gets in any case (every e-mail, phone,
// tag and piece of history), then confirm.
import { useMemo, useState } from 'preact/hooks';
import { MERGE_FIELDS, type MergeChoices, type MergeField, defaultChoices, differingFields } from '../../../storage/merge';
import type { Contact } from '../../../storage/schema';

const FIELD_LABELS: Record<MergeField, string> = {
  name: 'Name',
  firstName: 'First name',
  lastName: 'Last name',
  title: 'Title',
  company: 'Company',
  location: 'Location',
  headline: 'Headline',
  linkedinUrl: 'LinkedIn',
  photoUrl: 'Photo',
  stage: 'Stage',
};

type Side = 'a' | 'b';

const uniq = (xs: string[]) => [...new Set(xs)];

export interface MergeRequest {
  survivorId: string;
  mergedId: string;
  choices: MergeChoices;
}

/** The record that keeps its id by default: the one created first (its id is the one others know). */
function olderSide(a: Contact, b: Contact): Side {
  return b.createdAt < a.createdAt ? 'b' : 'a';
}

export function MergeForm(props: { a: Contact; b: Contact; busy: boolean; onConfirm: (r: MergeRequest) => void; onCancel: () => void }) {
  const { a, b } = props;
  const fields = useMemo(() => differingFields(a, b), [a, b]);
  const [survivor, setSurvivor] = useState<Side>(() => olderSide(a, b));
  const [picked, setPicked] = useState<Partial<Record<MergeField, Side>>>(() => {
    const d = defaultChoices(a, b);
    return Object.fromEntries(fields.map((f) => [f, d[f] === 'merged' ? 'b' : 'a']));
  });
  const confirm = () => {
    const [s, m] = survivor === 'a' ? [a, b] : [b, a];
    const choices: MergeChoices = {};
    for (const f of MERGE_FIELDS) {
      const side = picked[f];
      if (side) choices[f] = side === survivor ? 'survivor' : 'merged';
    }
    props.onConfirm({ survivorId: s.id, mergedId: m.id, choices });
  };
  const value = (c: Contact, f: MergeField) => c[f] || '—';
  return (
    <form
      data-testid="merge-form"
      class="merge-form"
      onSubmit={(e) => {
        e.preventDefault();
        confirm();
      }}
    >
      <fieldset>
        <legend>Keep the record of</legend>
        {(['a', 'b'] as const).map((side) => (
          <label key={side} class="choice">
            <input type="radio" name="survivor" value={side} checked={survivor === side} onChange={() => setSurvivor(side)} />
            <span dir="auto">{(side === 'a' ? a : b).name}</span>{' '}
            <span class="muted small">(created {(side === 'a' ? a : b).createdAt.slice(0, 10)})</span>
          </label>
        ))}
      </fieldset>
      {fields.length > 0 && (
        <table class="merge-fields">
          <tbody>
            {fields.map((f) => (
              <tr key={f} data-field={f}>
                <th scope="row">{FIELD_LABELS[f]}</th>
                {(['a', 'b'] as const).map((side) => (
                  <td key={side}>
                    <label class="choice">
                      <input
                        type="radio"
                        name={`field-${f}`}
                        value={side}
                        checked={picked[f] === side}
                        onChange={() => setPicked((p) => ({ ...p, [f]: side }))}
                      />
                      <span dir="auto" class="value">
                        {value(side === 'a' ? a : b, f)}
                      </span>
                    </label>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="small muted">
        Kept from both: e-mails {uniq([...a.emails, ...b.emails]).join(', ') || '—'}; phones{' '}
        {uniq([...a.phones, ...b.phones]).join(', ') || '—'}; tags {uniq([...a.tags, ...b.tags]).join(', ') || '—'}; the whole history,
        tasks and deals.
      </p>
      <div class="row">
        <button type="submit" class="primary" data-testid="merge-confirm" disabled={props.busy}>
          {props.busy ? 'Merging…' : 'Merge'}
        </button>
        <button type="button" data-testid="merge-cancel" onClick={props.onCancel} disabled={props.busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
