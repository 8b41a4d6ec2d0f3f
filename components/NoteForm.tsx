import { useState } from 'preact/hooks';

/**
 * The "add a note" form of the sidebar, the popup and the workspace. Writing the note is the
 * page's: `onSave` does it (and closes the form). `testid` names the textarea `<testid>-input` and
 * the button `<testid>-save` (the contract's `note-…` in the sidebar and workspace, `quick-note-…`
 * in the popup).
 */
export function NoteForm({
  onSave,
  class: cls = 'sb-form',
  testid = 'note',
}: {
  onSave: (text: string) => void;
  class?: string;
  testid?: 'note' | 'quick-note';
}) {
  const [text, setText] = useState('');
  return (
    <form
      class={cls}
      onSubmit={(e) => {
        e.preventDefault();
        onSave(text);
      }}
    >
      <textarea
        data-testid={`${testid}-input`}
        aria-label="Note"
        value={text}
        autoFocus
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
      />
      <button type="submit" class="primary" data-testid={`${testid}-save`} disabled={!text.trim()}>
        Save note
      </button>
    </form>
  );
}
