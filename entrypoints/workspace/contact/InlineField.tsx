import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

export interface InlineFieldProps {
  label: string;
  /** The input's name (as in the contact form) and the field's `data-field`. */
  name: string;
  /** The value as the input shows it (e-mails one per line, tags comma-separated). */
  value: string;
  /** How the value shows when not editing (defaults to the value, or "—"). */
  display?: ComponentChildren;
  kind?: 'text' | 'lines' | 'select';
  options?: readonly string[];
  /** A datalist id for type-ahead. */
  list?: string;
  onDraft?: (draft: string) => void;
  /** Saves; returns the message to show when the value does not pass. */
  onSave: (draft: string) => Promise<string | undefined>;
}

/**
 * A field edited in place: click (or Enter) opens the input; Enter saves (Ctrl+Enter in a list of
 * lines, where Enter starts a new line), leaving the field saves, Esc puts the value back. A value
 * that does not pass stays in the input with its message beside it.
 */
export function InlineField({ label, name, value, display, kind = 'text', options = [], list, onDraft, onSave }: InlineFieldProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const saving = useRef(false);
  // Set by Esc so the blur that follows does not save what was cancelled.
  const cancelled = useRef(false);

  const open = () => {
    cancelled.current = false;
    setDraft(value);
    setError(undefined);
    setEditing(true);
  };
  const cancel = () => {
    cancelled.current = true;
    setEditing(false);
    setError(undefined);
  };
  const save = async (next = draft) => {
    if (cancelled.current || saving.current) return;
    if (next === value) return void setEditing(false);
    saving.current = true;
    setBusy(true);
    const problem = await onSave(next);
    saving.current = false;
    setBusy(false);
    if (cancelled.current) return;
    setError(problem);
    if (!problem) setEditing(false);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      cancel();
    } else if (e.key === 'Enter' && (kind !== 'lines' || e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void save();
    }
  };
  const input = (e: Event) => {
    const v = (e.target as HTMLInputElement).value;
    setDraft(v);
    onDraft?.(v);
  };

  return (
    <div class="ws-field" data-testid="contact-field" data-field={name}>
      <span class="ws-field-label" id={`label-${name}`}>
        {label}
      </span>
      {!editing ? (
        <button type="button" class="ws-field-value" data-testid="field-edit" aria-describedby={`label-${name}`} onClick={open}>
          {display ?? (value ? value : <span class="muted">—</span>)}
        </button>
      ) : (
        <div class="ws-field-editor">
          {kind === 'lines' ? (
            <textarea
              name={name}
              data-testid="field-input"
              aria-labelledby={`label-${name}`}
              aria-invalid={!!error}
              rows={Math.max(2, draft.split('\n').length + 1)}
              value={draft}
              autoFocus
              readOnly={busy}
              onInput={input}
              onKeyDown={onKeyDown}
              onBlur={() => void save()}
            />
          ) : kind === 'select' ? (
            <select
              name={name}
              data-testid="field-input"
              aria-labelledby={`label-${name}`}
              value={draft}
              autoFocus
              disabled={busy}
              onChange={(e) => {
                const v = (e.target as HTMLSelectElement).value;
                setDraft(v);
                void save(v);
              }}
              onKeyDown={onKeyDown}
              onBlur={() => void save()}
            >
              <option value="">—</option>
              {[...new Set([...options, ...(value && !options.includes(value) ? [value] : [])])].map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : (
            <input
              name={name}
              data-testid="field-input"
              aria-labelledby={`label-${name}`}
              aria-invalid={!!error}
              list={list}
              autoComplete="off"
              value={draft}
              autoFocus
              readOnly={busy}
              onInput={input}
              onKeyDown={onKeyDown}
              onBlur={() => void save()}
            />
          )}
          {kind === 'lines' && <span class="muted small">One per line; Ctrl+Enter saves, Esc cancels.</span>}
          {error && (
            <p class="error small" data-testid="field-error" data-field={name} role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
