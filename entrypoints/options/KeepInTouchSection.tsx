import { useEffect, useState } from 'preact/hooks';
import { CADENCES, cadenceLabel } from '../../components/cadence';
import { describeStorageError } from '../../storage/errors';
import { getSettings, updateSettings } from '../../storage/settings';
import { refreshReconnectItems } from '../../storage/tasks';

type Row = { tag: string; days: number };

/**
 * Keep in touch by tag: everyone with the tag gets a "Reconnect with …" item among the due tasks
 * when the last two-way interaction with them is older than the cadence (a person's own cadence,
 * set on their page, wins).
 */
export function KeepInTouchSection() {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    getSettings().then(
      (s) => setRows(s.tagCadences.map((r) => ({ ...r }))),
      (e: unknown) => setMsg({ ok: false, text: `Could not read settings: ${describeStorageError(e)}` }),
    );
  }, []);
  const update = (i: number, patch: Partial<Row>) => setRows((rows ?? []).map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const save = async (e: Event) => {
    e.preventDefault();
    const clean = new Map<string, number>();
    for (const r of rows ?? []) if (r.tag.trim()) clean.set(r.tag.trim(), r.days);
    try {
      const next = await updateSettings({ tagCadences: [...clean].map(([tag, days]) => ({ tag, days })) });
      setRows(next.tagCadences.map((r) => ({ ...r })));
      const made = await refreshReconnectItems();
      setMsg({ ok: true, text: `Saved.${made.length ? ` ${made.length} people to reconnect with are now in your due tasks.` : ''}` });
    } catch (err) {
      setMsg({ ok: false, text: `Not saved: ${describeStorageError(err)}` });
    }
  };
  return (
    <section class="card" aria-labelledby="keep-in-touch-h" data-testid="keep-in-touch-settings">
      <h2 id="keep-in-touch-h">Keep in touch</h2>
      <p class="muted small">
        People with these tags come back as “Reconnect with …” among your due tasks when you have not been in touch (a call, a meeting, an
        e-mail you sent) for longer than the cadence.
      </p>
      {rows === null ? (
        <p class="muted">Loading…</p>
      ) : (
        <form onSubmit={save} class="sb-form">
          {rows.map((r, i) => (
            <div class="row" key={i} data-testid="tag-cadence-row">
              <input
                aria-label="Tag"
                data-testid="tag-cadence-tag"
                value={r.tag}
                onInput={(e) => update(i, { tag: (e.target as HTMLInputElement).value })}
              />
              <select
                aria-label="Cadence"
                data-testid="tag-cadence-days"
                value={String(r.days)}
                onChange={(e) => update(i, { days: Number((e.target as HTMLSelectElement).value) })}
              >
                {CADENCES.map((c) => (
                  <option key={c.days} value={String(c.days)}>
                    {c.label}
                  </option>
                ))}
                {!CADENCES.some((c) => c.days === r.days) && <option value={String(r.days)}>{cadenceLabel(r.days)}</option>}
              </select>
              <button type="button" aria-label={`Remove ${r.tag || 'this row'}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          ))}
          <div class="row">
            <button type="button" data-testid="tag-cadence-add" onClick={() => setRows([...rows, { tag: '', days: 30 }])}>
              Add a tag
            </button>
            <button type="submit" class="primary" data-testid="tag-cadence-save">
              Save
            </button>
          </div>
        </form>
      )}
      {msg && (
        <p class={msg.ok ? 'ok small' : 'error small'} role={msg.ok ? 'status' : 'alert'} data-testid="keep-in-touch-status">
          {msg.text}
        </p>
      )}
    </section>
  );
}
