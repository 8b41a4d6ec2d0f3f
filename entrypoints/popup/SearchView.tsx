import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getDb } from '../../storage/db';
import { indexRebuildProgress, recentContacts } from '../../storage/queries';
import { continueIndexRebuild } from '../../storage/index-rebuild';
import type { Contact } from '../../storage/schema';
import { type SearchResults, search } from '../../storage/search-index';
import { formatDate } from '../../components/format';
import { useLiveQuery } from '../../components/use-live-query';

export type Opened = { kind: 'contact' | 'company' | 'activity'; id: string; contactId?: string };

interface Row {
  kind: Opened['kind'];
  id: string;
  contactId?: string;
  title: string;
  detail: string;
  meta?: string;
}

function rowsOf(r: SearchResults): Row[] {
  const rows: Row[] = [];
  for (const h of r.contacts) {
    const c = h.record;
    const email = c.emails.find((e) => h.matched.some((m) => e.includes(m))) ?? c.emails[0];
    rows.push({ kind: 'contact', id: c.id, title: c.name, detail: [c.company ?? c.title, email].filter(Boolean).join(' · ') });
  }
  for (const h of r.companies) {
    rows.push({ kind: 'company', id: h.record.id, title: h.record.name, detail: h.record.domain ?? '' });
  }
  for (const h of r.activities) {
    const a = h.record;
    const who = (a.participants ?? [])
      .map((p) => p.name || p.email)
      .filter(Boolean)
      .slice(0, 3)
      .join(', ');
    rows.push({
      kind: 'activity',
      id: a.id,
      contactId: a.contactIds[0],
      title: a.subject || a.snippet || a.type,
      detail: who,
      meta: formatDate(a.occurredAt),
    });
  }
  return rows;
}

const recentRows = (list: Contact[]): Row[] =>
  list.map((c) => ({ kind: 'contact', id: c.id, title: c.name, detail: [c.company ?? c.title, c.emails[0]].filter(Boolean).join(' · ') }));

const SECTION: Record<Row['kind'], string> = { contact: 'People', company: 'Companies', activity: 'Conversations & notes' };

/** Search box with results as you type; arrows + Enter to open, recent people when empty. */
export function SearchView({
  onOpen,
  onOpenWorkspace,
  initialQuery = '',
}: {
  onOpen: (o: Opened) => void;
  /** Opens a workspace route (the empty state's links to import, settings, a new contact). */
  onOpenWorkspace?: (path: string) => void;
  initialQuery?: string;
}) {
  const [query, setQuery] = useState(initialQuery);
  const [shown, setShown] = useState<{ query: string; rows: Row[] } | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sel, setSel] = useState(0);
  const seq = useRef(0);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  // After an upgrade the background rebuilds the search index; until it is done, say so.
  const rebuilding = useLiveQuery(() => indexRebuildProgress(), []);
  const pending = rebuilding !== undefined;
  const rebuilt = useRef(false);
  useEffect(() => {
    if (!pending) {
      if (rebuilt.current) runQuery(input.current?.value ?? ''); // complete now: ask again
      rebuilt.current = false;
      return;
    }
    // The service worker rebuilds it; while open, the popup helps in small pages (short
    // transactions, so queries typed meanwhile wait little) in case the worker is not running.
    rebuilt.current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let alive = true;
    const help = (): Promise<void> =>
      continueIndexRebuild(getDb(), 300, 200)
        .catch(() => false)
        .then((done) => {
          if (alive && !done) timer = setTimeout(() => void help(), 200);
        });
    void help();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [pending]);

  // Started from the input event itself, not from an effect: Preact runs effects after the next
  // frame is painted, which would add up to a frame (16 ms) to every keystroke.
  const slowTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const runQuery = (raw: string) => {
    const my = ++seq.current;
    const q = raw.trim();
    clearTimeout(slowTimer.current);
    slowTimer.current = setTimeout(() => my === seq.current && setLoading(true), 120);
    const run = q ? search(getDb(), q).then(rowsOf) : recentContacts(15).then(recentRows);
    run
      .then((rows) => {
        if (my !== seq.current) return; // a newer keystroke wins
        setShown({ query: q, rows });
        setSel(0);
        setError(null);
      })
      .catch((e: unknown) => my === seq.current && setError(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        if (my !== seq.current) return;
        clearTimeout(slowTimer.current);
        setLoading(false);
      });
  };
  const started = useRef(false);
  if (!started.current) {
    // The first query (recent people, or the initial query) starts with the first render.
    started.current = true;
    runQuery(initialQuery);
  }
  useEffect(() => () => clearTimeout(slowTimer.current), []);
  const onInput = (value: string) => {
    setQuery(value);
    runQuery(value);
  };

  const rows = shown?.rows ?? [];
  const open = (r: Row | undefined) => r && onOpen({ kind: r.kind, id: r.id, contactId: r.contactId });
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setSel((s) => Math.min(rows.length - 1, s + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setSel((s) => Math.max(0, s - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      open(rows[sel]);
    }
  };
  useEffect(() => {
    document.querySelector(`[data-row-index="${sel}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [sel]);

  const grouped = useMemo(() => {
    const out: { kind: Row['kind']; rows: { row: Row; index: number }[] }[] = [];
    rows.forEach((row, index) => {
      const last = out[out.length - 1];
      if (last && last.kind === row.kind) last.rows.push({ row, index });
      else out.push({ kind: row.kind, rows: [{ row, index }] });
    });
    return out;
  }, [rows]);

  return (
    <div class="search-view">
      <div class="search-bar">
        <input
          ref={input}
          data-testid="search-input"
          type="search"
          placeholder="Search people, companies, conversations…"
          aria-label="Search"
          aria-controls="results"
          aria-activedescendant={rows.length ? `result-${sel}` : undefined}
          autocomplete="off"
          spellcheck={false}
          value={query}
          onInput={(e) => onInput((e.target as HTMLInputElement).value)}
          onKeyDown={onKey}
        />
      </div>
      {rebuilding !== undefined && (
        <p class="notice" role="status" data-testid="index-rebuilding">
          Updating the search index ({Math.floor(rebuilding * 100)} % done): results may be incomplete until it finishes.
        </p>
      )}
      <div id="results" role="listbox" data-testid="search-results" data-query={shown?.query ?? ''} aria-busy={loading}>
        {error && (
          <p class="empty error" role="alert">
            Could not search your data: {error}
          </p>
        )}
        {!error && loading && !shown && <p class="empty">Searching…</p>}
        {!error &&
          shown &&
          !rows.length &&
          (shown.query ? (
            <p class="empty">
              No matches for “{shown.query}”.
              <br />
              <span class="small">Try fewer letters, or another word of the name, company or subject.</span>
            </p>
          ) : (
            <div class="empty" data-testid="search-empty">
              No contacts yet.
              <br />
              <span class="small">Open a Gmail or Outlook thread or a LinkedIn profile to capture people, or:</span>
              {onOpenWorkspace && (
                <div class="row small empty-links">
                  <button type="button" class="link" data-testid="empty-import" onClick={() => onOpenWorkspace('/settings')}>
                    Import a file
                  </button>
                  <button type="button" class="link" data-testid="empty-new-contact" onClick={() => onOpenWorkspace('/people/new')}>
                    Add a contact
                  </button>
                  <button type="button" class="link" data-testid="empty-settings" onClick={() => onOpenWorkspace('/settings')}>
                    Settings
                  </button>
                </div>
              )}
            </div>
          ))}
        {!error && !shown?.query && rows.length > 0 && <div class="section-title">Recent</div>}
        {!error &&
          grouped.map((g) => (
            <div key={g.kind + g.rows[0].index}>
              {shown?.query && <div class="section-title">{SECTION[g.kind]}</div>}
              {g.rows.map(({ row, index }) => (
                <div
                  key={row.kind + row.id}
                  id={`result-${index}`}
                  data-row-index={index}
                  role="option"
                  aria-selected={index === sel}
                  data-testid="search-result"
                  data-kind={row.kind}
                  data-id={row.id}
                  class={'result' + (index === sel ? ' selected' : '')}
                  onClick={() => open(row)}
                  onMouseMove={() => index !== sel && setSel(index)}
                >
                  <div class="grow">
                    <div class="ellipsis title" dir="auto">
                      {row.title}
                    </div>
                    {row.detail && (
                      <div class="ellipsis muted small" dir="auto">
                        {row.detail}
                      </div>
                    )}
                  </div>
                  {row.meta && <div class="muted small">{row.meta}</div>}
                </div>
              ))}
            </div>
          ))}
      </div>
    </div>
  );
}
