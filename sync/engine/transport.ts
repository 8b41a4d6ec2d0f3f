// fetch as a connector sees it: rate-limited, timed out, abortable, renewing the engine lease,
// refreshing an expired OAuth token once per run.
import { anySignal, parseRetryAfter } from '../../connectors/http';
import { ConnectorError } from '../../connectors/types';
import { saveConnectorInstance } from '../connectors';
import { errorMessage, redact } from '../redact';
import { type ConnectorRun, LIMITER_SAVE_MS, saveLimiter } from './connector-run';
import type { EngineEnv } from './env';
import { IDLE_FOLD_MARGIN_MS, IDLE_FOLD_MIN_MS, foldWhileIdle } from './fold';
import { ensureLease } from './lease';
import type { RunState } from './state';

/** fetch as the connector sees it: rate-limited, timed out, abortable, renewing the lease. */
export function engineFetch(env: EngineEnv, state: RunState, run: ConnectorRun): typeof fetch {
  const key = run.stateRow.key;
  return async (input, init) => {
    if (env.signal?.aborted) throw env.signal.reason ?? new DOMException('aborted', 'AbortError');
    for (let guard = 0; ; guard++) {
      const wait = run.limiter.waitMs(env.now());
      if (wait <= 0) break;
      if (wait > env.maxWaitMs || guard > 1000) {
        run.waitTooLong = wait;
        throw new ConnectorError(`rate limit: next request allowed in ${Math.ceil(wait / 1000)} s`, 'rate-limit', undefined, wait);
      }
      // Nothing can be sent for a while: fold the link journal meanwhile.
      if (wait >= IDLE_FOLD_MIN_MS) foldWhileIdle(env, state, run, env.now() + wait - IDLE_FOLD_MARGIN_MS);
      run.idle?.();
      await env.sleep(wait, env.signal);
    }
    // Take the token right after seeing it free (no await in between: concurrent calls from one
    // connector must not both spend the last token).
    run.limiter.take();
    let blocked = false;
    try {
      if (!(await ensureLease(env, state))) throw new ConnectorError('another sync engine took over', 'transient');
      state.summary.requests++;
      const signals = [AbortSignal.timeout(env.timeoutMs)];
      if (env.signal) signals.push(env.signal);
      if (init?.signal) signals.push(init.signal);
      // A connector's client may hold the token it was built with: after a refresh, send the new one.
      if (run.bearer && init?.headers) {
        const headers = new Headers(init.headers);
        if (/^bearer\s/i.test(headers.get('authorization') ?? '')) headers.set('authorization', `Bearer ${run.bearer}`);
        init = { ...init, headers };
      }
      let res = await env.fetch(input, { ...init, signal: anySignal(signals) });
      if (res.status === 401 && run.connector.oauth && !run.refreshTried) {
        // An expired OAuth access token: refresh once per run, store the rotated tokens, and
        // send the same request again with the new token.
        run.refreshTried = true;
        const token = await refreshTokens(env, run);
        if (token) {
          run.bearer = token;
          const headers = new Headers(init?.headers);
          headers.set('authorization', `Bearer ${token}`);
          state.summary.requests++;
          res = await env.fetch(input, {
            ...init,
            headers,
            signal: anySignal([AbortSignal.timeout(env.timeoutMs), ...(env.signal ? [env.signal] : [])]),
          });
        }
      }
      if (res.status === 429) {
        blocked = true;
        state.summary.rateLimited++;
        const after = parseRetryAfter(res.headers.get('retry-after')) ?? run.limiter.limit.intervalMs;
        run.limiter.block(env.now() + after);
      }
      return res;
    } finally {
      const done = env.now();
      run.limiter.finish(done);
      run.stateRow = { ...run.stateRow, key, limiter: run.limiter.state(done) };
      run.limiterUnsaved = true;
      if (blocked || done - run.limiterSavedAt >= LIMITER_SAVE_MS) await saveLimiter(env.db, run, done);
    }
  };
}

/**
 * Refreshes an OAuth connection's access token from its refresh token and stores what comes back
 * (with rotation, the new refresh token replaces the old one, which no longer works). Returns the
 * new access token, or undefined when there is no refresh token or the provider refused.
 */
async function refreshTokens(
  env: Pick<EngineEnv, 'db' | 'registry' | 'fetch' | 'timeoutMs' | 'log'>,
  run: ConnectorRun,
): Promise<string | undefined> {
  try {
    const fresh = (await run.connector.oauth!.refresh(
      (input, init) => env.fetch(input, { ...init, signal: AbortSignal.timeout(env.timeoutMs) }),
      run.ctx.config,
    )) as Record<string, unknown> | null;
    if (!fresh || typeof fresh.accessToken !== 'string') return undefined;
    await saveConnectorInstance(env.db, env.registry, { id: run.inst.id, type: run.inst.type, values: fresh });
    Object.assign(run.ctx.config, fresh);
    for (const k of run.connector.secretKeys) if (typeof fresh[k] === 'string') run.secrets.push(fresh[k] as string);
    env.log({ level: 'info', message: 'access token refreshed', connectorId: run.inst.id });
    return fresh.accessToken;
  } catch (err) {
    env.log({ level: 'warn', message: `token refresh failed: ${redact(errorMessage(err), run.secrets)}`, connectorId: run.inst.id });
    return undefined;
  }
}
