import { useEffect, useState } from 'preact/hooks';
import { type Settings, getSettings, updateSettings } from '../../storage/settings';
import { describeStorageError } from '../../storage/errors';

const lines = (s: string) => [
  ...new Set(
    s
      .split(/[\n,;]+/)
      .map((x) => x.trim().toLowerCase())
      .filter(Boolean),
  ),
];

/** Rules and privacy: what counts as "us", what is never captured, what is logged without a click. */
export function RulesSection() {
  const [s, setS] = useState<Settings | null>(null);
  const [internal, setInternal] = useState('');
  const [never, setNever] = useState('');
  const [autoDomains, setAutoDomains] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    getSettings().then(
      (x) => {
        setS(x);
        setInternal(x.internalDomains.join('\n'));
        setNever(x.neverCapture.join('\n'));
        setAutoDomains(x.autoLog.domains.join('\n'));
      },
      (e: Error) => setMsg({ ok: false, text: `Could not read settings: ${e.message}` }),
    );
  }, []);
  if (!s)
    return (
      <section class="card">
        <h2>Rules and privacy</h2>
        <p class="muted">Loading…</p>
      </section>
    );
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const next = await updateSettings({
        internalDomains: lines(internal),
        neverCapture: lines(never),
        autoLog: { existingContacts: s.autoLog.existingContacts, domains: lines(autoDomains) },
        sites: s.sites,
      });
      setS(next);
      setMsg({ ok: true, text: 'Rules saved. Open pages pick them up on their next reload.' });
    } catch (err) {
      setMsg({ ok: false, text: `Not saved: ${describeStorageError(err)}` });
    }
  };
  return (
    <section class="card" aria-labelledby="rules-h">
      <h2 id="rules-h">Rules and privacy</h2>
      <p class="muted small">Nothing is stored from a page unless you click, or a rule below that you turned on says so.</p>
      <form onSubmit={save} class="sb-form rules">
        <fieldset>
          <legend>Sites</legend>
          {(['gmail', 'outlook', 'linkedin'] as const).map((site) => (
            <label key={site} class="row">
              <input
                type="checkbox"
                data-testid={`site-${site}`}
                checked={s.sites[site]}
                onChange={(e) => setS({ ...s, sites: { ...s.sites, [site]: (e.target as HTMLInputElement).checked } })}
              />
              {site === 'gmail' ? 'Gmail' : site === 'outlook' ? 'Outlook on the web' : 'LinkedIn'}
            </label>
          ))}
        </fieldset>
        <label for="internal">
          Internal domains (your team; one per line). Empty: your own address's domain, unless it is a webmail provider.
        </label>
        <textarea
          id="internal"
          data-testid="rules-internal-domains"
          value={internal}
          onInput={(e) => setInternal((e.target as HTMLTextAreaElement).value)}
        />
        <label for="never">Never capture these addresses or domains (one per line)</label>
        <textarea
          id="never"
          data-testid="rules-never-capture"
          value={never}
          onInput={(e) => setNever((e.target as HTMLTextAreaElement).value)}
        />
        <fieldset>
          <legend>Log conversations automatically (off unless you turn it on)</legend>
          <label class="row">
            <input
              type="checkbox"
              data-testid="rules-autolog-existing"
              checked={s.autoLog.existingContacts}
              onChange={(e) => setS({ ...s, autoLog: { ...s.autoLog, existingContacts: (e.target as HTMLInputElement).checked } })}
            />
            Threads with people already saved in Rapport
          </label>
          <label for="autodomains">Threads with anyone at these domains (one per line)</label>
          <textarea
            id="autodomains"
            data-testid="rules-autolog-domains"
            value={autoDomains}
            onInput={(e) => setAutoDomains((e.target as HTMLTextAreaElement).value)}
          />
        </fieldset>
        <div>
          <button type="submit" class="primary" data-testid="rules-save">
            Save rules
          </button>
        </div>
        {msg && (
          <p class={msg.ok ? 'ok' : 'error'} role={msg.ok ? 'status' : 'alert'} data-testid={msg.ok ? 'rules-saved' : 'rules-error'}>
            {msg.text}
          </p>
        )}
      </form>
    </section>
  );
}
