// First run: opened once on install (entry-points.ts). Five short steps: the team's domain (so
// colleagues never get cards), import a file, connect a CRM, pin the toolbar button, and where
// the sidebar appears, with the keyboard shortcuts as the browser has them.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { describeStorageError } from '../../storage/errors';
import { getSettings, updateSettings } from '../../storage/settings';

type Shortcut = { name?: string; description?: string; shortcut?: string };

/** "acme.com, @acme.de\nx.org" → the domains, lowercased, without "@", unique. */
export function parseDomains(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
        .filter(Boolean),
    ),
  ];
}

function DomainStep() {
  const [text, setText] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    void getSettings().then((s) => setText(s.internalDomains.join(', ')));
  }, []);
  const save = async (e: Event) => {
    e.preventDefault();
    const domains = parseDomains(text);
    const bad = domains.find((d) => !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d));
    if (bad) {
      setMsg({ ok: false, text: `“${bad}” is not a domain (like acme.com).` });
      return;
    }
    try {
      await updateSettings({ internalDomains: domains });
      setMsg({
        ok: true,
        text: domains.length
          ? `Saved: ${domains.join(', ')} counts as your team.`
          : 'Saved: your own address’s domain counts as your team.',
      });
    } catch (err) {
      setMsg({ ok: false, text: `Not saved: ${describeStorageError(err)}` });
    }
  };
  return (
    <form onSubmit={save} class="sb-form">
      <label>
        Your team’s e-mail domains (colleagues get no cards and are never logged as customers)
        <input
          name="internalDomains"
          data-testid="welcome-domain"
          value={text}
          placeholder="acme.com"
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </label>
      <button type="submit" data-testid="welcome-domain-save">
        Save
      </button>
      {msg && (
        <p role="status" class={msg.ok ? 'ok' : 'error'}>
          {msg.text}
        </p>
      )}
    </form>
  );
}

export function WelcomeView(_: { path?: string }) {
  const [shortcuts, setShortcuts] = useState<Shortcut[]>([]);
  useEffect(() => {
    void browser.commands?.getAll().then(setShortcuts, () => undefined);
  }, []);
  const keyOf = (name: string) => shortcuts.find((s) => s.name === name)?.shortcut || 'not set';
  return (
    <div class="ws-section ws-welcome" data-testid="welcome">
      <h2>Welcome to Rapport</h2>
      <p class="muted">Everything stays in this browser until you connect a CRM. Five steps, all optional:</p>
      <ol class="ws-steps">
        <li>
          <h3>Your team</h3>
          <DomainStep />
        </li>
        <li>
          <h3>Bring your contacts</h3>
          <p>
            Import a CSV (Google, Outlook, LinkedIn, HubSpot, Pipedrive, Salesforce exports), vCards or a Rapport export in{' '}
            <a href="#/settings">Settings</a>.
          </p>
        </li>
        <li>
          <h3>Connect a CRM</h3>
          <p>
            In <a href="#/settings">Settings</a>, under CRM connections. Rapport asks for access to that CRM’s address only when you connect
            it.
          </p>
        </li>
        <li>
          <h3>Pin Rapport</h3>
          <p>Click the puzzle piece in the browser’s toolbar, then the pin next to Rapport: search is one click away.</p>
        </li>
        <li>
          <h3>Where Rapport appears</h3>
          <p>
            Open a conversation in Gmail or Outlook on the web, or a profile on LinkedIn: the sidebar docks on the right with the people in
            it. Nothing is saved until you click, unless you turn on a rule.
          </p>
          <ul data-testid="welcome-shortcuts">
            <li>
              Search your contacts: <kbd>{keyOf('_execute_action')}</kbd>
            </li>
            <li>
              Open or collapse the sidebar: <kbd>{keyOf('toggle-sidebar')}</kbd>
            </li>
            <li>
              Open this workspace: <kbd>{keyOf('open-workspace')}</kbd>
            </li>
            <li>
              New task: <kbd>{keyOf('new-task')}</kbd>
            </li>
          </ul>
          <p class="muted small">Change them at chrome://extensions/shortcuts.</p>
        </li>
      </ol>
      <p>
        <a href="#/people">Go to your people →</a>
      </p>
    </div>
  );
}
