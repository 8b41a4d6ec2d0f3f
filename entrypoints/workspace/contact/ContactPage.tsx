// A person's page in the workspace (`#/people/<id>`), and the new-contact page (`#/people/new`):
// every field edited in place or all at once in the form, notes and follow-ups, the whole history
// with notes editable, the CRMs' view, delete (decision 0043).
import { route } from 'preact-router';
import { useState } from 'preact/hooks';
import { CrmPanel } from '../../../components/CrmPanel';
import { FollowUpForm } from '../../../components/FollowUpForm';
import { NoteForm } from '../../../components/NoteForm';
import { initials } from '../../../components/format';
import { OpenFollowUps } from '../../../components/TaskRow';
import { Timeline } from '../../../components/Timeline';
import { useLiveQuery, useLiveState } from '../../../components/use-live-query';
import type { DeleteResult } from '../../../storage/delete';
import { createContact, editContact, removeContact } from '../../../storage/edit';
import { describeStorageError } from '../../../storage/errors';
import { getContact, getTimeline } from '../../../storage/queries';
import { addNote } from '../../../storage/repositories';
import { createTask, logInteraction, openTasksOf, setTaskDone } from '../../../storage/tasks';
import { LogInteraction } from '../../../components/InteractionForm';
import { ActivityActions } from './ActivityActions';
import { CadenceSelect } from './CadenceSelect';
import { ContactItems } from './ContactItems';
import type { Contact, Source } from '../../../storage/schema';
import { getSettings } from '../../../storage/settings';
import { recordPath } from '../routes';
import { ContactFieldList } from './ContactFields';
import { ContactForm } from './ContactForm';
import { DeleteButton, Deleted } from './DeletePanel';
import { browserRegion, errorsOf, photoSrc } from './edit-ui';
import { NoteActions } from './NoteActions';
import './contact.css';

const manual = (): Source => ({ type: 'manual', at: new Date().toISOString() });

export function ContactPage({ id }: { id?: string; path?: string }) {
  if (!id || id === 'new') return <NewContact />;
  return <ContactDetail key={id} id={id} />;
}

function NewContact() {
  const settings = useLiveState(() => getSettings(), []);
  return (
    <section class="ws-page" data-testid="contact-new-page">
      <header class="ws-page-head">
        <h1>New contact</h1>
      </header>
      {settings.state === 'ready' && (
        <ContactForm
          customFields={settings.value.customFields}
          submitLabel="Create contact"
          onSubmit={async (fields) => {
            try {
              const c = await createContact(fields, { defaultCountry: browserRegion() });
              route(recordPath('contact', c.id), true);
              return undefined;
            } catch (e) {
              return errorsOf(e);
            }
          }}
          onCancel={() => history.back()}
        />
      )}
    </section>
  );
}

function ContactDetail({ id }: { id: string }) {
  const [editing, setEditing] = useState(false);
  const [deleted, setDeleted] = useState<{ name: string; result: DeleteResult } | undefined>();
  const s = useLiveState(async () => {
    const contact = await getContact(id);
    return { contact, timeline: contact ? await getTimeline(id) : [], settings: await getSettings() };
  }, [id]);
  if (deleted) return <Deleted what={deleted.name} result={deleted.result} back="/people" backLabel="Back to People" />;
  if (s.state === 'loading') return <p class="empty">Loading…</p>;
  if (s.state === 'error')
    return (
      <p class="empty error" role="alert">
        Could not load this contact: {s.message}
      </p>
    );
  const { contact, timeline, settings } = s.value;
  if (!contact)
    return (
      <section class="ws-page" data-testid="contact-missing">
        <p>This contact does not exist (any more).</p>
        <a href="#/people">Back to People</a>
      </section>
    );
  const photo = photoSrc(contact.photoUrl);
  return (
    <section class="ws-page" data-testid="contact-detail" data-contact-id={contact.id}>
      <header class="ws-page-head">
        {photo ? (
          <img class="ws-photo" src={photo} alt="" referrerpolicy="no-referrer" data-testid="contact-photo" />
        ) : (
          <div class="avatar" aria-hidden="true">
            {initials(contact.name)}
          </div>
        )}
        <div class="grow">
          <h1 dir="auto">{contact.name}</h1>
          {(contact.title || contact.company) && (
            <div class="muted" dir="auto">
              {[contact.title, contact.company].filter(Boolean).join(' · ')}
            </div>
          )}
        </div>
        <div class="row ws-head-actions">
          <button type="button" data-testid="contact-edit" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {editing ? 'Close the form' : 'Edit all fields'}
          </button>
          <a class="button" href="#/people/new" data-testid="contact-new">
            New contact
          </a>
          <DeleteButton
            what={contact.name}
            consequences="Their notes, tasks and the history no one else shares go with them; a thread with others stays with the others."
            onDelete={async (archiveInCrms) => {
              const result = await removeContact(contact.id, { archiveInCrms });
              setDeleted({ name: contact.name, result });
              return result;
            }}
          />
        </div>
      </header>
      {editing ? (
        <ContactForm
          contact={contact}
          customFields={settings.customFields}
          submitLabel="Save"
          onCancel={() => setEditing(false)}
          onSubmit={async (fields) => {
            try {
              await editContact(contact.id, fields, { defaultCountry: browserRegion() });
              setEditing(false);
              return undefined;
            } catch (e) {
              return errorsOf(e);
            }
          }}
        />
      ) : (
        <ContactFieldList contact={contact} customFields={settings.customFields} />
      )}
      <CrmPanel emails={contact.emails} />
      <ContactWork contact={contact} />
      <ContactItems contact={contact} />
      <h2 class="section-title">History</h2>
      <Timeline
        items={timeline}
        noteActions={(note) => <NoteActions key={`${note.id}|${note.updatedAt}`} note={note} />}
        activityActions={(activity) => <ActivityActions key={activity.id} activity={activity} />}
      />
    </section>
  );
}

/** Add a note, a follow-up, a call or a meeting to the person; keep in touch with them; their open follow-ups, done in one click. */
function ContactWork({ contact }: { contact: Contact }) {
  const [open, setOpen] = useState<'note' | 'task' | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const openTasks = useLiveQuery(() => openTasksOf(contact.id), [contact.id]);
  const run = (fn: () => Promise<string>) =>
    fn().then(
      (text) => setMsg({ ok: true, text }),
      (e: unknown) => setMsg({ ok: false, text: describeStorageError(e) }),
    );
  return (
    <div class="ws-work">
      <div class="row">
        <button
          type="button"
          data-testid="add-note"
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
        <CadenceSelect contact={contact} onDone={(text) => setMsg({ ok: true, text })} onError={(text) => setMsg({ ok: false, text })} />
      </div>
      <LogInteraction
        formClass="ws-form"
        onSave={(i) =>
          logInteraction({ ...i, contactIds: [contact.id] }, manual()).then(
            () => setMsg({ ok: true, text: i.type === 'call' ? 'Call logged.' : 'Meeting logged.' }),
            (e: unknown) => {
              setMsg({ ok: false, text: describeStorageError(e) });
              throw e;
            },
          )
        }
      />
      {open === 'note' && (
        <NoteForm
          class="ws-form"
          onSave={(text) =>
            void run(async () => {
              await addNote([contact.id], text, manual());
              setOpen(null);
              return 'Note added.';
            })
          }
        />
      )}
      {open === 'task' && (
        <FollowUpForm
          class="ws-form"
          onSave={async ({ fields, date }) => {
            await createTask({ ...fields, contactIds: [contact.id] }, manual());
            setOpen(null);
            setMsg({ ok: true, text: date ? `Follow-up set for ${date}.` : 'Follow-up added.' });
          }}
        />
      )}
      <OpenFollowUps tasks={openTasks} onDone={(id) => run(async () => (await setTaskDone(id, true), 'Marked done.'))} />
      {msg && (
        <p class={msg.ok ? 'ok small' : 'error small'} role={msg.ok ? 'status' : 'alert'}>
          {msg.text}
        </p>
      )}
    </div>
  );
}
