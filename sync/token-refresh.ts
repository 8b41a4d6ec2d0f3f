// One OAuth token refresh per connection at a time, shared by everything in this worker that
// found the access token expired: the engine's batches in flight, its pull, and the cards' CRM
// look-ups. With refresh-token rotation every refresh revokes the refresh token it used, so two
// refreshes racing with the same one would leave one of them refused (and the connection paused)
// and could store a dead refresh token over the live one. Hence:
// - a request whose token is no longer the stored one takes the stored one (someone refreshed);
// - otherwise the first caller refreshes and the others wait for its answer;
// - the answer is stored before the waiters are released (a worker killed right after cannot lose
//   the rotated refresh token);
// - a token endpoint that fails transiently (network, 5xx, 429) is retried with backoff, then
//   reported as transient (the request is retried later; nothing is paused);
// - a refusal (invalid_grant…) is an 'auth' error that says to reconnect, unless the stored refresh
//   token changed meanwhile (another refresh won the race): then its access token is used.
import type { ConnectorRegistry } from '../connectors/registry';
import { ConnectorError } from '../connectors/types';
import type { RapportDB } from '../storage/db';
import { backoffDelay } from './backoff';
import { storeRefreshedTokens } from './connectors';
import { errorMessage } from './redact';

/** Attempts at the token endpoint for one refresh (the first and its retries). */
export const REFRESH_ATTEMPTS = 4;
/** Backoff of those retries: short, a request is waiting. */
const REFRESH_BACKOFF = { baseMs: 1_000, capMs: 8_000 };

export interface TokenRefreshDeps {
  fetch: typeof fetch;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  log?: (level: 'info' | 'warn', message: string) => void;
}

const inFlight = new Map<string, Promise<string>>();

/** Refreshes currently in flight (tests). */
export function refreshesInFlight(): number {
  return inFlight.size;
}

async function storedSecrets(db: RapportDB, id: string): Promise<Record<string, string>> {
  return (await db.secrets.get(id))?.values ?? {};
}

/**
 * A valid-looking access token for a connection whose request with `sentToken` was refused as
 * expired: the stored one when it differs (already refreshed), else a refreshed one. Throws a
 * ConnectorError: 'transient' when the token endpoint could not be reached, 'auth' when it
 * refused (the user has to reconnect).
 */
export async function freshAccessToken(
  db: RapportDB,
  registry: ConnectorRegistry,
  connectorId: string,
  sentToken: string | undefined,
  deps: TokenRefreshDeps,
): Promise<string> {
  const running = inFlight.get(connectorId);
  if (running) return running;
  const stored = await storedSecrets(db, connectorId);
  if (stored.accessToken && stored.accessToken !== sentToken) return stored.accessToken;
  // Checked again: another caller may have started while the secrets were read.
  const started = inFlight.get(connectorId);
  if (started) return started;
  const refresh = refreshAndStore(db, registry, connectorId, deps).finally(() => inFlight.delete(connectorId));
  inFlight.set(connectorId, refresh);
  return refresh;
}

async function refreshAndStore(db: RapportDB, registry: ConnectorRegistry, connectorId: string, deps: TokenRefreshDeps): Promise<string> {
  const inst = await db.connectors.get(connectorId);
  const connector = inst && registry.get(inst.type);
  if (!inst || !connector?.oauth) throw new ConnectorError('this connection has no token refresh', 'auth');
  const secrets = await storedSecrets(db, connectorId);
  const parsed = connector.configSchema.safeParse({ ...inst.config, ...secrets });
  if (!parsed.success) throw new ConnectorError(`${connector.displayName}: settings incomplete, reconnect`, 'auth');
  const config = parsed.data as Record<string, unknown>;
  const usedRefreshToken = secrets.refreshToken;
  const timedFetch: typeof fetch = (input, init) => deps.fetch(input, { ...init, signal: AbortSignal.timeout(deps.timeoutMs) });
  for (let attempt = 1; ; attempt++) {
    let fresh: Record<string, unknown> | null;
    try {
      fresh = (await connector.oauth.refresh(timedFetch, config)) as Record<string, unknown> | null;
    } catch (err) {
      const error = err instanceof ConnectorError ? err : new ConnectorError(errorMessage(err), 'transient');
      if (error.kind === 'transient' || error.kind === 'rate-limit') {
        if (attempt >= REFRESH_ATTEMPTS)
          throw new ConnectorError(`${error.message} (renewing the access token; tried ${attempt} times, retried later)`, 'transient');
        const wait = Math.max(backoffDelay(attempt, { ...REFRESH_BACKOFF, random: deps.random }), error.retryAfterMs ?? 0);
        deps.log?.('warn', `token endpoint unavailable, retrying: ${error.message}`);
        await deps.sleep(Math.min(wait, REFRESH_BACKOFF.capMs));
        continue;
      }
      // Refused. If another refresh (another worker, a reconnect) stored a new refresh token
      // meanwhile, ours was simply outdated: use what it stored.
      const now = await storedSecrets(db, connectorId);
      if (now.refreshToken !== usedRefreshToken && now.accessToken) return now.accessToken;
      // No status: whatever the token endpoint answered, the whole connection needs the user
      // (a 403 would pause only one kind).
      throw new ConnectorError(
        `${connector.displayName} refused to renew the session (${error.message}). Reconnect with “Connect with ${connector.displayName}”.`,
        'auth',
      );
    }
    if (!fresh || typeof fresh.accessToken !== 'string')
      throw new ConnectorError(
        `${connector.displayName}: the session expired and there is no refresh token. Reconnect with “Connect with ${connector.displayName}”.`,
        'auth',
      );
    await storeRefreshedTokens(db, registry, inst.id, fresh);
    deps.log?.('info', 'access token refreshed');
    return fresh.accessToken;
  }
}

/** The bearer token of a request's headers, if any. */
export function bearerOf(headers: HeadersInit | undefined): string | undefined {
  const m = /^bearer\s+(.+)$/i.exec(new Headers(headers).get('authorization') ?? '');
  return m?.[1].trim();
}

/** The same headers with another bearer token. */
export function withBearer(headers: HeadersInit | undefined, token: string): Headers {
  const h = new Headers(headers);
  h.set('authorization', `Bearer ${token}`);
  return h;
}
