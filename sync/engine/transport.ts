// fetch as a connector sees it: rate-limited, timed out, abortable, renewing the engine lease,
// renewing an expired OAuth token (one refresh per connection, shared: sync/token-refresh.ts).
import { anySignal, parseRetryAfter } from '../../connectors/http';
import { ConnectorError } from '../../connectors/types';
import { bearerOf, freshAccessToken, withBearer } from '../token-refresh';
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
      const sent = bearerOf(init?.headers);
      // An expired OAuth access token: one refresh shared by every request that finds it expired
      // (token-refresh.ts), then the same request again with the new token. A request that already
      // carried this run's refreshed token is not refreshed again (the refusal is not the expiry).
      if (res.status === 401 && run.connector.oauth && !(run.bearer && sent === run.bearer)) {
        const token = await freshAccessToken(env.db, env.registry, run.inst.id, sent, {
          fetch: env.fetch,
          timeoutMs: env.timeoutMs,
          sleep: (ms) => env.sleep(ms, env.signal),
          random: env.random,
          log: (level, message) => env.log({ level, message, connectorId: run.inst.id }),
        });
        run.bearer = token;
        run.ctx.config.accessToken = token;
        if (!run.secrets.includes(token)) run.secrets.push(token);
        await res.body?.cancel().catch(() => undefined);
        state.summary.requests++;
        res = await env.fetch(input, {
          ...init,
          headers: withBearer(init?.headers, token),
          signal: anySignal([AbortSignal.timeout(env.timeoutMs), ...(env.signal ? [env.signal] : [])]),
        });
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
