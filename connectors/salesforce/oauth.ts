// OAuth 2.0 web-server flow with PKCE for Salesforce, as pure functions over a fetch.
// The extension wires `browser.identity.launchWebAuthFlow(buildAuthorizeUrl(…))` and hands the `code`
// from the redirect to exchangeCode(); tokens are stored by the caller (extension-origin database).
// Docs: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm (PKCE,
// S256), https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm
// (refresh; with refresh-token rotation enabled every refresh answers a new refresh token and the old one
// stops working, so the caller must store the one returned).
import { ConnectorError } from '../types';
import { networkError } from '../http';

export const DEFAULT_LOGIN_URL = 'https://login.salesforce.com';

export interface SalesforceTokens {
  accessToken: string;
  /** Present on the code exchange (scope refresh_token) and, with rotation, on every refresh. */
  refreshToken?: string;
  instanceUrl: string;
  /** Identity URL (https://login.salesforce.com/id/<org>/<user>). */
  idUrl?: string;
  issuedAt?: number;
  scope?: string;
}

export { createPkcePair, createState, pkceChallenge } from '../pkce';

export function buildAuthorizeUrl(opts: {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state: string;
  loginUrl?: string;
  /** Default "api refresh_token". */
  scope?: string;
  /** e.g. "login consent" to force the account chooser. */
  prompt?: string;
}): string {
  const url = new URL('/services/oauth2/authorize', opts.loginUrl ?? DEFAULT_LOGIN_URL);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', opts.clientId);
  url.searchParams.set('redirect_uri', opts.redirectUri);
  url.searchParams.set('code_challenge', opts.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', opts.state);
  url.searchParams.set('scope', opts.scope ?? 'api refresh_token');
  if (opts.prompt) url.searchParams.set('prompt', opts.prompt);
  return url.href;
}

async function tokenRequest(
  fetchFn: typeof fetch,
  loginUrl: string | undefined,
  params: Record<string, string | undefined>,
  previousRefresh?: string,
): Promise<SalesforceTokens> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) body.set(k, v);
  const url = new URL('/services/oauth2/token', loginUrl ?? DEFAULT_LOGIN_URL).href;
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: body.toString(),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw networkError(e, 'Salesforce OAuth', false, 0);
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* keep {} */
  }
  if (!res.ok) {
    const msg = `Salesforce OAuth ${res.status}: ${String(json.error ?? 'error')}${json.error_description ? ` (${String(json.error_description)})` : ''}`;
    if (res.status >= 500) throw new ConnectorError(msg, 'transient', res.status);
    if (res.status === 429) throw new ConnectorError(msg, 'rate-limit', res.status);
    // invalid_grant (expired/revoked code or refresh token, bad verifier), invalid_client_id, redirect_uri_mismatch…:
    // the user has to connect again.
    throw new ConnectorError(msg, 'auth', res.status);
  }
  if (typeof json.access_token !== 'string' || typeof json.instance_url !== 'string') {
    throw new ConnectorError('Salesforce OAuth: token answer without access_token/instance_url', 'auth', res.status);
  }
  return {
    accessToken: json.access_token,
    refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : previousRefresh,
    instanceUrl: json.instance_url,
    idUrl: typeof json.id === 'string' ? json.id : undefined,
    issuedAt: json.issued_at ? Number(json.issued_at) : undefined,
    scope: typeof json.scope === 'string' ? json.scope : undefined,
  };
}

/** Exchanges the authorization code from the redirect (with the PKCE verifier) for tokens. */
export function exchangeCode(
  fetchFn: typeof fetch,
  opts: { clientId: string; redirectUri: string; code: string; codeVerifier: string; loginUrl?: string; clientSecret?: string },
): Promise<SalesforceTokens> {
  return tokenRequest(fetchFn, opts.loginUrl, {
    grant_type: 'authorization_code',
    code: opts.code,
    client_id: opts.clientId,
    client_secret: opts.clientSecret,
    redirect_uri: opts.redirectUri,
    code_verifier: opts.codeVerifier,
  });
}

/**
 * Gets a new access token. With refresh-token rotation the answer carries a new refresh token (returned in
 * `refreshToken`; the old one is dead); without rotation the old one is returned unchanged.
 */
export function refreshAccessToken(
  fetchFn: typeof fetch,
  opts: { clientId: string; refreshToken: string; loginUrl?: string; clientSecret?: string },
): Promise<SalesforceTokens> {
  return tokenRequest(
    fetchFn,
    opts.loginUrl,
    { grant_type: 'refresh_token', refresh_token: opts.refreshToken, client_id: opts.clientId, client_secret: opts.clientSecret },
    opts.refreshToken,
  );
}
