import { useState } from 'preact/hooks';
import { deleteNote, editNote } from '../../../storage/edit';
import type { Activity } from '../../../storage/schema';
import { errorsOf } from './edit-ui';

/** A note in the timeline, with Edit (in place; Ctrl+Enter saves, Esc cancels) and Delete (confirmed). */
export function NoteActions({ note }: { note: Activity }) {
  const [mode, setMode] = useState<'view' | 'edit' | 'delete'>('view');
  const [draft, setDraft] = useState(note.body ?? '');
  const [error, setError] = useState<string | undefined>();
  const save = () =>
    editNote(note.id, draft).then(
      () => setMode('view'),
      (e: unknown) => setError(Object.values(errorsOf(e))[0]),
    );
  if (mode === 'edit') {
    return (
      <form
        class="ws-note-edit"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <textarea
          data-testid="note-edit-input"
          aria-label="Note"
          value={draft}
          autoFocus
          rows={Math.max(3, draft.split('\n').length + 1)}
          onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setMode('view');
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void save();
          }}
        />
        {error && (
          <p class="error small" role="alert" data-testid="field-error" data-field="note">
            {error}
          </p>
        )}
        <div class="row">
          <button type="submit" class="primary" data-testid="note-edit-save">
            Save note
          </button>
          <button type="button" onClick={() => setMode('view')}>
            Cancel
          </button>
        </div>
      </form>
    );
  }
  return (
    <>
      <div class="body">{note.body}</div>
      {mode === 'delete' ? (
        <div class="row small" role="alertdialog" aria-label="Delete this note?">
          Delete this note?
          <button type="button" class="danger" data-testid="note-delete-confirm" onClick={() => void deleteNote(note.id)}>
            Delete
          </button>
          <button type="button" onClick={() => setMode('view')}>
            Keep
          </button>
        </div>
      ) : (
        <div class="row small ws-note-actions">
          <button
            type="button"
            class="link"
            data-testid="note-edit"
            onClick={() => {
              setDraft(note.body ?? '');
              setError(undefined);
              setMode('edit');
            }}
          >
            Edit
          </button>
          <button type="button" class="link" data-testid="note-delete" onClick={() => setMode('delete')}>
            Delete
          </button>
        </div>
      )}
    </>
  );
}
