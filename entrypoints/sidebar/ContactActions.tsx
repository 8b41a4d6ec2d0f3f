import { useEffect, useState } from 'preact/hooks';
import { addNote, updateContact } from '../../storage/repositories';
import { createTask, logInteraction, openTasksOf, setTaskDone } from '../../storage/tasks';
import { LogInteraction } from '../../components/InteractionForm';
import { type Contact, STAGES, type Source } from '../../storage/schema';
import { describeStorageError } from '../../storage/errors';
import { FollowUpForm } from '../../components/FollowUpForm';
import { OpenFollowUps } from '../../components/TaskRow';
import { useLiveQuery } from '../../components/use-live-query';
import { NoteForm } from '../../components/NoteForm';

/**
 * Note, follow-up (and the open ones, done in one click), stage and tags for one person. `ensureSaved` saves the person first when the
 * card shows someone not yet in Rapport (any action on a person keeps them). The card reads the
 * person live, so it shows each change without being told.
 */
export function ContactActions({
  contact,
  ensureSaved,
  source,
}: {
  contact?: Contact;
  ensureSaved: () => Promise<Contact>;
  source: () => Source;
}) {
  const [open, setOpen] = useState<'note' | 'task' | null>(null);
  const storedTags = (contact?.tags ?? []).join(', ');
  const [tags, setTags] = useState(storedTags);
  // Tags changed elsewhere (another page, a sync) show here unless the user is editing them.
  const [tagsEdited, setTagsEdited] = useState(false);
  useEffect(() => {
    if (!tagsEdited) setTags(storedTags);
  }, [storedTags, tagsEdited]);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const openTasks = useLiveQuery(() => (contact ? openTasksOf(contact.id) : []), [contact?.id]);
  const run = async (fn: () => Promise<string>) => {
    try {
      setMsg({ ok: true, text: await fn() });
    } catch (e) {
      setMsg({ ok: false, text: describeStorageError(e) });
    }
  };
  return (
    <div>
      <div class="sb-actions">
        <button data-testid="add-note" aria-expanded={open === 'note'} onClick={() => setOpen(open === 'note' ? null : 'note')}>
          Add note
        </button>
        <button data-testid="follow-up" aria-expanded={open === 'task'} onClick={() => setOpen(open === 'task' ? null : 'task')}>
          Follow-up
        </button>
        <label class="row small">
          Stage
          <select
            data-testid="stage-select"
            value={contact?.stage ?? ''}
            onChange={(e) => {
              const stage = (e.target as HTMLSelectElement).value || undefined;
              void run(async () => {
                const c = await ensureSaved();
                await updateContact(c.id, { stage }, source());
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
            {contact?.stage && !(STAGES as readonly string[]).includes(contact.stage) && (
              <option value={contact.stage}>{contact.stage}</option>
            )}
          </select>
        </label>
      </div>
      <form
        class="sb-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const c = await ensureSaved();
            const list = [
              ...new Set(
                tags
                  .split(',')
                  .map((t) => t.trim())
                  .filter(Boolean),
              ),
            ];
            await updateContact(c.id, { tags: list }, source());
            setTagsEdited(false);
            return 'Tags saved.';
          });
        }}
      >
        <label class="small muted" for="tags">
          Tags (comma separated)
        </label>
        <div class="row">
          <input
            id="tags"
            class="grow"
            data-testid="tags-input"
            value={tags}
            onInput={(e) => {
              setTags((e.target as HTMLInputElement).value);
              setTagsEdited(true);
            }}
          />
          <button type="submit" data-testid="tags-save">
            Save tags
          </button>
        </div>
      </form>
      {open === 'note' && (
        <NoteForm
          class="sb-form"
          onSave={(text) =>
            void run(async () => {
              const c = await ensureSaved();
              await addNote([c.id], text, source());
              setOpen(null);
              return 'Note added.';
            })
          }
        />
      )}
      {open === 'task' && (
        <FollowUpForm
          onSave={async ({ fields, date }) => {
            const c = await ensureSaved();
            await createTask({ ...fields, contactIds: [c.id] }, source());
            setOpen(null);
            setMsg({ ok: true, text: date ? `Follow-up set for ${date}.` : 'Follow-up added.' });
          }}
        />
      )}
      <OpenFollowUps tasks={openTasks} onDone={(id) => run(async () => (await setTaskDone(id, true), 'Marked done.'))} />
      <LogInteraction
        formClass="sb-form"
        onSave={async (i) => {
          try {
            const c = await ensureSaved();
            await logInteraction({ ...i, contactIds: [c.id] }, source());
            setMsg({ ok: true, text: i.type === 'call' ? 'Call logged.' : 'Meeting logged.' });
          } catch (e) {
            setMsg({ ok: false, text: describeStorageError(e) });
            throw e;
          }
        }}
      />
      {msg && (
        <p class={msg.ok ? 'ok small' : 'error small'} role={msg.ok ? 'status' : 'alert'}>
          {msg.text}
        </p>
      )}
    </div>
  );
}
