// "Connect with <CRM>": the OAuth 2 authorization-code flow with PKCE, run in the background so the
// tokens never pass through a page. The options page asks for the `identity` permission and the
// CRM's origins in the user's click, then sends the form's values here; this runs
// launchWebAuthFlow, checks `state`, exchanges the code, and saves the connection with its tokens.
import type { ConnectorRegistry } from '../../connectors/registry';
import { ConnectorError } from '../../connectors/types';
import { createPkcePair, createState } from '../../connectors/pkce';
import type { RapportDB } from '../../storage/db';
import { type ConnectorInput, insecureHttpError, saveConnectorInstance } from '../../sync/connectors';
import { redact } from '../../sync/redact';

export interface OAuthDeps {
  /** browser.identity.launchWebAuthFlow: resolves with the URL the provider redirected to. */
  launchWebAuthFlow(details: { url: string; interactive: boolean }): Promise<string | undefined>;
  /** browser.identity.getRedirectURL(): https://<extension-id>.chromiumapp.org/ */
  redirectUri: string;
  fetch: typeof fetch;
}

export type OAuthOutcome = { ok: true; id: string; account: string } | { ok: false; error: string };

export async function connectWithOAuth(
  db: RapportDB,
  registry: ConnectorRegistry,
  input: ConnectorInput,
  deps: OAuthDeps,
): Promise<OAuthOutcome> {
  const connector = registry.get(input.type);
  if (!connector?.oauth)
    return { ok: false, error: `${connector?.displayName ?? input.type} has no "connect" flow: paste a token instead` };
  const oauth = connector.oauth;
  const stored = input.id ? { ...((await db.connectors.get(input.id))?.config ?? {}) } : {};
  // Defaults (login URL…) from the schema, without requiring what the flow will bring back.
  const config: Record<string, unknown> = { ...defaultsOf(connector.configSchema), ...stored };
  for (const [k, v] of Object.entries(input.values)) if (v !== '' && v !== undefined) config[k] = v;
  const missing = oauth.requiredKeys.filter((k) => !config[k]);
  if (missing.length) return { ok: false, error: `Fill in ${missing.join(', ')} first (from your ${connector.displayName} app settings)` };
  // The code exchange carries credentials too: plain http:// only when the user confirmed it.
  const flowOrigins = [...new Set(oauth.origins(config).map((o) => new URL(o.replace(/\/\*$/, '/')).origin))];
  const refusal = insecureHttpError(connector, flowOrigins, !!input.allowInsecureHttp);
  if (refusal) return { ok: false, error: refusal };

  const { verifier, challenge } = await createPkcePair();
  const state = createState();
  let redirected: string | undefined;
  try {
    redirected = await deps.launchWebAuthFlow({
      url: oauth.authorizeUrl(config, { redirectUri: deps.redirectUri, codeChallenge: challenge, state }),
      interactive: true,
    });
  } catch (e) {
    // Closed by the user, or the provider showed an error page instead of redirecting.
    return { ok: false, error: `${connector.displayName} sign-in did not complete: ${(e as Error).message}` };
  }
  if (!redirected) return { ok: false, error: `${connector.displayName} sign-in was cancelled` };
  const back = new URL(redirected);
  const params = new URLSearchParams(back.search || back.hash.slice(1));
  if (params.get('error'))
    return {
      ok: false,
      error: `${connector.displayName} refused: ${params.get('error')}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}`,
    };
  if (params.get('state') !== state)
    return { ok: false, error: 'the sign-in answer did not match this request (state): nothing was saved' };
  const code = params.get('code');
  if (!code) return { ok: false, error: `${connector.displayName} answered without an authorization code` };

  let tokens: Record<string, unknown>;
  try {
    tokens = (await oauth.exchange(deps.fetch, config, { code, codeVerifier: verifier, redirectUri: deps.redirectUri })) as Record<
      string,
      unknown
    >;
  } catch (e) {
    const msg = e instanceof ConnectorError ? e.message : (e as Error).message;
    return { ok: false, error: redact(msg, [code, verifier]) };
  }
  const secrets = connector.secretKeys.map((k: string) => String(tokens[k] ?? '')).filter(Boolean);
  try {
    const saved = await saveConnectorInstance(db, registry, { ...input, values: { ...config, ...tokens } });
    let account = connector.displayName;
    try {
      const full = { ...config, ...tokens };
      const parsed = connector.configSchema.parse(full);
      account = (await connector.testConnection({ config: parsed, fetch: deps.fetch, fieldMapping: {} })).account;
    } catch {
      /* saved anyway: the status shows the first sync's error */
    }
    return { ok: true, id: saved.id, account: redact(account, secrets) };
  } catch (e) {
    return { ok: false, error: redact((e as Error).message, secrets) };
  }
}

/** The schema's own defaults (zod object with .default() fields), for a partially filled form. */
function defaultsOf(schema: unknown): Record<string, unknown> {
  const shape = (schema as { shape?: Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }> }).shape ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, field] of Object.entries(shape)) {
    const r = field.safeParse(undefined);
    if (r.success && r.data !== undefined) out[k] = r.data;
  }
  return out;
}
