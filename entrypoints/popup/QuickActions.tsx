import { useEffect, useState } from 'preact/hooks';
import { FollowUpForm } from '../../components/FollowUpForm';
import { LogInteraction } from '../../components/InteractionForm';
import { NoteForm } from '../../components/NoteForm';
import { describeStorageError } from '../../storage/errors';
import type { Contact, Source } from '../../storage/schema';
import { STAGES } from '../../storage/stages';

// The write path loads on the first action, not with the popup (decision 0005: the popup opens on
// the read path alone).
const writes = () => Promise.all([import('../../storage/repositories'), import('../../storage/edit'), import('../../storage/tasks')]);

const manual = (): Source => ({ type: 'manual', at: new Date().toISOString() });

/** A note, a follow-up, the stage and the tags of the person open in the popup. */
export function QuickActions({ contact }: { contact: Contact }) {
  const [open, setOpen] = useState<'note' | 'task' | null>(null);
  const storedTags = contact.tags.join(', ');
  const [tags, setTags] = useState(storedTags);
  useEffect(() => setTags(storedTags), [storedTags]);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const run = (fn: (w: Awaited<ReturnType<typeof writes>>) => Promise<string>) =>
    writes()
      .then(fn)
      .then(
        (text) => setMsg({ ok: true, text }),
        (e: unknown) =>
          setMsg({ ok: false, text: e instanceof Error && e.name === 'ValidationError' ? e.message : describeStorageError(e) }),
      );
  return (
    <div class="quick-actions" data-testid="quick-actions">
      <div class="row">
        <button
          type="button"
          data-testid="quick-note"
          aria-expanded={open === 'note'}
          onClick={() => setOpen(open === 'note' ? null : 'note')}
        >
          Add note
        </button>
        <button
          type="button"
          data-testid="follow-up"
          aria-expanded={open === 'task'}
          onClick={() => setOpen(open === 'task' ? null : 'task')}
        >
          Follow-up
        </button>
        <label class="row small">
          Stage
          <select
            data-testid="stage-select"
            value={contact.stage ?? ''}
            onChange={(e) => {
              const stage = (e.target as HTMLSelectElement).value;
              void run(async ([, edit]) => {
                await edit.editContact(contact.id, { stage });
                return stage ? `Stage set to ${stage}.` : 'Stage cleared.';
              });
            }}
          >
            <option value="">—</option>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            {contact.stage && !(STAGES as readonly string[]).includes(contact.stage) && (
              <option value={contact.stage}>{contact.stage}</option>
            )}
          </select>
        </label>
      </div>
      {open === 'note' && (
        <NoteForm
          class="quick-form"
          testid="quick-note"
          onSave={(text) =>
            void run(async ([repo]) => {
              await repo.addNote([contact.id], text, manual());
              setOpen(null);
              return 'Note added.';
            })
          }
        />
      )}
      {open === 'task' && (
        <FollowUpForm
          class="quick-form"
          onSave={async ({ fields, date }) => {
            const [, , tasks] = await writes();
            await tasks.createTask({ ...fields, contactIds: [contact.id] }, manual());
            setOpen(null);
            setMsg({ ok: true, text: date ? `Follow-up set for ${date}.` : 'Follow-up added.' });
          }}
        />
      )}
      <LogInteraction
        formClass="quick-form"
        onSave={(i) =>
          writes()
            .then(([, , tasks]) => tasks.logInteraction({ ...i, contactIds: [contact.id] }, manual()))
            .then(
              () => setMsg({ ok: true, text: i.type === 'call' ? 'Call logged.' : 'Meeting logged.' }),
              (e: unknown) => {
                setMsg({ ok: false, text: e instanceof Error && e.name === 'ValidationError' ? e.message : describeStorageError(e) });
                throw e;
              },
            )
        }
      />
      <form
        class="row quick-form-inline"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async ([, edit]) => {
            await edit.editContact(contact.id, { tags: edit.splitTags(tags) });
            return 'Tags saved.';
          });
        }}
      >
        <input
          class="grow"
          aria-label="Tags (comma-separated)"
          placeholder="Tags, comma-separated"
          data-testid="tags-input"
          value={tags}
          onInput={(e) => setTags((e.target as HTMLInputElement).value)}
        />
        <button type="submit" data-testid="tags-save">
          Save tags
        </button>
      </form>
      {msg && (
        <p class={msg.ok ? 'ok small' : 'error small'} role={msg.ok ? 'status' : 'alert'} data-testid="quick-status">
          {msg.text}
        </p>
      )}
    </div>
  );
}
