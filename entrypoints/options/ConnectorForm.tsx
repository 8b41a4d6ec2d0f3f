import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { type AnyConnector, registry } from '../../connectors/registry';
import type { SyncKind } from '../../connectors/types';
import { callBackground } from '../../messaging/client';
import { getDb } from '../../storage/db';
import type { SyncDirection } from '../../storage/sync-rows';
import { type PublicConnectorInstance, insecureOrigins, saveConnectorInstance, supportedKinds } from '../../sync/connectors';
import type { PipelineMapping as PipelineMappingValue } from '../../storage/sync-rows';
import { PipelineMapping } from './PipelineMapping';
import { type FormField, formFields } from './schema-form';

export const KIND_LABEL: Record<SyncKind, string> = {
  contact: 'Contacts',
  company: 'Companies',
  email: 'Logged emails',
  note: 'Notes',
  call: 'Calls',
  meeting: 'Meetings',
  task: 'Tasks',
  deal: 'Deals',
  case: 'Cases',
  candidate: 'Candidates',
};

/** Origins a config needs, for the optional host permission asked when the user saves. */
export function originsFor(connector: AnyConnector, values: Record<string, unknown>): string[] {
  const parsed = connector.configSchema.safeParse(values);
  if (!parsed.success) return [];
  return connector.origins(parsed.data).map((o: string) => (o.endsWith('/*') ? o : `${o.replace(/\/$/, '')}/*`));
}

/** The origin of a typed URL, as a list (none while it is not a URL yet). */
function httpOrigin(value: unknown): string[] {
  try {
    return typeof value === 'string' && /^https?:\/\//i.test(value) ? [new URL(value).origin] : [];
  } catch {
    return [];
  }
}

/** A connection's settings, generated from its connector's config schema: test, connect, save. */
export function ConnectorForm({
  initialType,
  instance,
  onDone,
}: {
  initialType: string;
  instance?: PublicConnectorInstance;
  onDone: () => void;
}) {
  const [type, setType] = useState(initialType);
  const connector = registry.get(type)!;
  const fields: FormField[] = formFields(connector.configSchema, connector.secretKeys);
  const initial = () => {
    const v: Record<string, unknown> = {};
    for (const f of fields)
      v[f.name] = instance?.config[f.name] ?? (f.kind === 'password' ? '' : (f.defaultValue ?? (f.kind === 'checkbox' ? false : '')));
    return v;
  };
  const [values, setValues] = useState<Record<string, unknown>>(initial);
  const [name, setName] = useState(instance?.name ?? '');
  const [kinds, setKinds] = useState<SyncKind[]>(instance?.kinds ?? supportedKinds(connector));
  const [direction, setDirection] = useState<SyncDirection>(instance?.direction ?? 'push');
  const [mapping, setMapping] = useState<Record<string, string>>({ ...connector.defaultFieldMapping, ...(instance?.fieldMapping ?? {}) });
  const [allowHttp, setAllowHttp] = useState(!!instance?.allowInsecureHttp);
  const [pipelineMapping, setPipelineMapping] = useState<PipelineMappingValue>(instance?.pipelineMapping ?? {});
  const [tested, setTested] = useState(0);
  const [msg, setMsg] = useState<{ ok: boolean; text: string; testid?: string; notice?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (instance) return;
    setValues(initial());
    setKinds(supportedKinds(connector));
    setMapping({ ...connector.defaultFieldMapping });
  }, [type]);

  const clean = () => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '' && v !== undefined));
  // Plain http:// to another machine needs an explicit confirmation (loopback does not).
  const plainHttp = fields.filter((f) => f.kind !== 'password' && insecureOrigins(httpOrigin(values[f.name])).length > 0);
  const allowInsecureHttp = plainHttp.length > 0 && allowHttp;
  const test = async () => {
    setBusy(true);
    setMsg(null);
    try {
      const r = await callBackground('connectorTest', { type, values: clean(), id: instance?.id, allowInsecureHttp });
      if (r.ok) setTested((n) => n + 1);
      setMsg(
        r.ok
          ? { ok: true, text: `Connected: ${r.account}`, testid: 'connector-test-ok', ...(r.notice ? { notice: r.notice } : {}) }
          : { ok: false, text: r.error, testid: 'connector-test-failed' },
      );
    } catch (e) {
      setMsg({ ok: false, text: (e as Error).message, testid: 'connector-test-failed' });
    } finally {
      setBusy(false);
    }
  };
  // OAuth: the sign-in window and the token exchange run in the background (tokens never come
  // back to this page); the permission prompt has to happen here, in the click.
  const connectOAuth = async () => {
    setMsg(null);
    const oauth = connector.oauth!;
    const config = { ...(instance?.config ?? {}), ...clean() };
    const origins = oauth.origins(config);
    const granted = await browser.permissions.request({ permissions: ['identity'], origins }).catch((err: Error) => {
      setMsg({ ok: false, text: `Could not ask for the sign-in permission: ${err.message}`, testid: 'connector-test-failed' });
      return false;
    });
    if (!granted) {
      setMsg(
        (m) =>
          m ?? {
            ok: false,
            text: `Connecting needs the sign-in permission and access to ${origins.join(', ')}. Nothing was saved.`,
            testid: 'connector-test-failed',
          },
      );
      return;
    }
    setBusy(true);
    try {
      const r = await callBackground('connectorOAuth', {
        type,
        values: clean(),
        id: instance?.id,
        name,
        kinds,
        direction,
        fieldMapping: mapping,
        pipelineMapping,
        allowInsecureHttp,
      });
      if (!r.ok) {
        setMsg({ ok: false, text: r.error, testid: 'connector-test-failed' });
        return;
      }
      // Saving planned the backfill; the service worker runs it (and resumes it after a restart).
      void callBackground('syncNow', {}).catch(() => undefined);
      onDone();
    } catch (err) {
      setMsg({ ok: false, text: (err as Error).message, testid: 'connector-test-failed' });
    } finally {
      setBusy(false);
    }
  };
  const save = async (e: Event) => {
    e.preventDefault();
    setMsg(null);
    // Refused before the browser's permission prompt: the store would refuse it after.
    if (plainHttp.length && !allowHttp) {
      setMsg({
        ok: false,
        text: `${plainHttp.map((f) => f.label).join(', ')} is plain http://: tick “Send over plain http://”, or use https://.`,
      });
      return;
    }
    // Ask for the CRM's address first, in the click: browsers allow the prompt only there.
    const origins = originsFor(connector, {
      ...(instance?.config ?? {}),
      ...clean(),
      ...Object.fromEntries(connector.secretKeys.map((k) => [k, values[k] || 'x'])),
    });
    if (origins.length) {
      const granted = await browser.permissions.request({ origins }).catch((err: Error) => {
        setMsg({ ok: false, text: `Could not ask for access to ${origins.join(', ')}: ${err.message}` });
        return false;
      });
      if (!granted) {
        setMsg(
          (m) =>
            m ?? {
              ok: false,
              text: `Rapport needs access to ${origins.join(', ')} to talk to ${connector.displayName}. Nothing was saved.`,
            },
        );
        return;
      }
    }
    setBusy(true);
    try {
      const saved = await saveConnectorInstance(getDb(), registry, {
        id: instance?.id,
        type,
        name,
        values: clean(),
        kinds,
        direction,
        fieldMapping: mapping,
        pipelineMapping,
        allowInsecureHttp,
      });
      // Saving planned the backfill of what was stored before (a new connection, a kind newly
      // chosen, a direction that now pushes): the service worker runs it, even if this page closes.
      void callBackground('syncNow', {}).catch(() => undefined);
      // Tested again as saved: what works only partly (a missing scope) stays in its status.
      void callBackground('connectorTest', { type, values: {}, id: saved.id }).catch(() => undefined);
      onDone();
    } catch (err) {
      setMsg({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="sb-form card" data-testid="connector-form" data-type={type} onSubmit={save}>
      <label>
        CRM
        <select name="type" value={type} disabled={!!instance} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
          {[...registry.values()].map((c) => (
            <option key={c.id} value={c.id}>
              {c.displayName}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name{' '}
        <input
          name="connectionName"
          value={name}
          placeholder={connector.displayName}
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />
      </label>
      {fields.map((f) => (
        <label key={f.name}>
          {f.label}
          {f.required ? ' *' : ''}
          {f.kind === 'select' ? (
            <select
              name={f.name}
              value={String(values[f.name] ?? '')}
              onChange={(e) => setValues({ ...values, [f.name]: (e.target as HTMLSelectElement).value })}
            >
              {!f.required && <option value="">—</option>}
              {f.options!.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : f.kind === 'checkbox' ? (
            <input
              type="checkbox"
              name={f.name}
              checked={!!values[f.name]}
              onChange={(e) => setValues({ ...values, [f.name]: (e.target as HTMLInputElement).checked })}
            />
          ) : (
            <input
              name={f.name}
              type={(f.kind === 'password' ? 'password' : f.kind === 'number' ? 'number' : f.kind === 'url' ? 'url' : 'text') as 'text'}
              autocomplete="off"
              placeholder={
                f.kind === 'password' && instance?.secretsSet.includes(f.name)
                  ? '(saved — leave empty to keep)'
                  : String(f.defaultValue ?? '')
              }
              value={String(values[f.name] ?? '')}
              onInput={(e) => {
                const raw = (e.target as HTMLInputElement).value;
                setValues({ ...values, [f.name]: f.kind === 'number' && raw !== '' ? Number(raw) : raw });
              }}
            />
          )}
        </label>
      ))}
      {plainHttp.length > 0 && (
        <label class="row error">
          <input
            type="checkbox"
            name="allowInsecureHttp"
            data-testid="connector-allow-http"
            checked={allowHttp}
            onChange={(e) => setAllowHttp((e.target as HTMLInputElement).checked)}
          />
          Send over plain http:// — {plainHttp.map((f) => f.label).join(', ')} is not encrypted: anyone on the network between you and the
          server can read your credentials and data. Prefer https://.
        </label>
      )}
      <fieldset>
        <legend>What to sync</legend>
        {supportedKinds(connector).map((k) => (
          <label key={k} class="row">
            <input
              type="checkbox"
              name={`kind-${k}`}
              checked={kinds.includes(k)}
              onChange={(e) => setKinds((e.target as HTMLInputElement).checked ? [...kinds, k] : kinds.filter((x) => x !== k))}
            />
            {KIND_LABEL[k]}
          </label>
        ))}
        {connector.capabilities.pull ? (
          <label class="row">
            Direction
            <select
              name="direction"
              value={direction}
              onChange={(e) => setDirection((e.target as HTMLSelectElement).value as SyncDirection)}
            >
              <option value="push">Rapport → CRM</option>
              <option value="both">Both ways (people from the CRM fill empty fields here)</option>
              <option value="pull">CRM → Rapport only</option>
            </select>
          </label>
        ) : (
          <p class="small muted">Direction: Rapport → CRM.</p>
        )}
        <p class="small muted">
          The CRM stays the system of record for what it owns: Rapport fills empty fields and never overwrites a value unless you choose so.
        </p>
      </fieldset>
      {Object.keys(mapping).length > 0 && (
        <details>
          <summary>Field mapping</summary>
          {Object.entries(mapping).map(([local, remote]) => (
            <label key={local} class="row small">
              <span class="grow">{local} →</span>
              <input
                name={`map-${local}`}
                value={remote}
                onInput={(e) => setMapping({ ...mapping, [local]: (e.target as HTMLInputElement).value })}
              />
            </label>
          ))}
        </details>
      )}
      <div class="row">
        {connector.oauth && (
          <button type="button" class="primary" data-testid="connector-oauth" disabled={busy} onClick={() => void connectOAuth()}>
            Connect with {connector.displayName}
          </button>
        )}
        <button type="button" data-testid="connector-test" disabled={busy} onClick={() => void test()}>
          Test connection
        </button>
        <button type="submit" class="primary" data-testid="connector-save" disabled={busy}>
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      {msg && (
        <p class={msg.ok ? 'ok' : 'error'} role={msg.ok ? 'status' : 'alert'} data-testid={msg.testid}>
          {msg.text}
        </p>
      )}
      {msg?.notice && (
        <p class="notice" role="status" data-testid="connector-test-notice">
          {msg.notice}
        </p>
      )}
      {/* Below the buttons: appearing after a test, it must not move them under the pointer. */}
      <PipelineMapping
        connector={connector}
        type={type}
        values={clean()}
        id={instance?.id}
        kinds={kinds}
        allowInsecureHttp={allowInsecureHttp}
        value={pipelineMapping}
        onChange={setPipelineMapping}
        refresh={tested}
      />
    </form>
  );
}
