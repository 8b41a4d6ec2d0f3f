// "Connect with Salesforce" (authorization code + PKCE) and token refresh with rotation, against the
// simulated Salesforce over real HTTP. The browser's sign-in window (identity.launchWebAuthFlow) is
// played by following the provider's redirects up to the extension's redirect URL, which is what
// the window does when the user is already signed in and approves.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectWithOAuth, type OAuthDeps } from '../../../entrypoints/background/oauth';
import { createRegistry, type AnyConnector } from '../../../connectors/registry';
import { refreshAccessToken, salesforceConnector } from '../../../connectors/salesforce';
import { startSalesforceSim, type SalesforceSim } from '../../sims/salesforce';
import { upsertContact } from '../../../storage/repositories';
import { runOnce } from '../../../sync/engine';
import { pauseKind } from '../../../sync/connectors';
import { refreshCrmCards } from '../../../sync/lookups';
import { REFRESH_ATTEMPTS } from '../../../sync/token-refresh';
import { FakeClock, closeDbs, freshDb, src } from './helpers';

const REDIRECT = 'https://okngfgklmnoabbcbakcjdikdgdhemafp.chromiumapp.org/';
const CLIENT = '3MVG9-rapport-test-client';
const sims: SalesforceSim[] = [];
afterEach(closeDbs);
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

/** The sign-in window: follows redirects until the extension's redirect URL, as Chrome does. */
function signInWindow(tamper?: (url: URL) => void): OAuthDeps['launchWebAuthFlow'] {
  return async ({ url }) => {
    let next = url;
    for (let hops = 0; hops < 5; hops++) {
      if (next.startsWith(REDIRECT)) {
        const u = new URL(next);
        tamper?.(u);
        return u.href;
      }
      const res = await fetch(next, { redirect: 'manual' });
      const location = res.headers.get('location');
      if (!location) throw new Error(`The sign-in page answered ${res.status}: ${await res.text()}`);
      next = new URL(location, next).href;
    }
    throw new Error('too many redirects');
  };
}

async function setup() {
  const sim = await startSalesforceSim({ tokens: [], clients: [{ clientId: CLIENT, redirectUris: [REDIRECT] }] });
  sims.push(sim);
  const db = await freshDb();
  const registry = createRegistry([salesforceConnector as AnyConnector]);
  return { sim, db, registry };
}

/** A Salesforce connection made through the sign-in flow (the shared start of several tests). */
async function connected() {
  const { sim, db, registry } = await setup();
  const r = await connectWithOAuth(
    db,
    registry,
    { type: 'salesforce', values: { clientId: CLIENT, loginUrl: sim.url }, kinds: ['contact'] },
    {
      launchWebAuthFlow: signInWindow(),
      redirectUri: REDIRECT,
      fetch,
    },
  );
  if (!r.ok) throw new Error(r.error);
  return { sim, db, registry, r };
}

describe('OAuth connect (Salesforce)', () => {
  it('signs in with PKCE, saves the tokens apart from the config, and the connection syncs', async () => {
    const { sim, db, registry } = await setup();
    const r = await connectWithOAuth(
      db,
      registry,
      { type: 'salesforce', values: { clientId: CLIENT, loginUrl: sim.url }, kinds: ['contact'] },
      { launchWebAuthFlow: signInWindow(), redirectUri: REDIRECT, fetch },
    );
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    const inst = await db.connectors.get(r.id);
    expect(inst!.config).toMatchObject({ instanceUrl: sim.url, clientId: CLIENT });
    expect(JSON.stringify(inst!.config)).not.toMatch(/00DRs|5Aep/); // no token in the config
    const secrets = (await db.secrets.get(r.id))!.values;
    expect(secrets.accessToken).toMatch(/^00DRs/);
    expect(secrets.refreshToken).toMatch(/^5Aep/);
    expect(r.account).not.toContain(secrets.accessToken);

    await upsertContact({ name: 'Ada Lovelace', emails: ['ada@analytical.engine'] }, src, {}, db);
    const run = await runOnce(db, registry);
    expect(run.pushed).toBe(1);
    expect(sim.all('Contact').map((c) => c.Email)).toEqual(['ada@analytical.engine']);
  });

  it('an expired session is refreshed once (rotation stored) and the same request goes through', async () => {
    const { sim, db, registry, r } = await connected();
    const before = (await db.secrets.get(r.id))!.values;
    sim.expireSessions();
    await upsertContact({ name: 'Grace Hopper', emails: ['grace@navy.example'] }, src, {}, db);
    const run = await runOnce(db, registry);
    expect(run.pushed).toBe(1);
    expect(run.paused).toEqual([]);
    const after = (await db.secrets.get(r.id))!.values;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken); // rotated, and the new one stored
    expect(sim.all('Contact').map((c) => c.Email)).toEqual(['grace@navy.example']);

    // The old refresh token is dead: were it still in use, the next expiry could not be recovered.
    sim.expireSessions();
    await upsertContact({ name: 'Grace Hopper', emails: ['grace@navy.example'], title: 'Rear Admiral' }, src, {}, db);
    expect((await runOnce(db, registry)).pushed).toBe(1);
  });

  it('a refused refresh pauses the connection and asks to reconnect; nothing is lost', async () => {
    const { sim, db, registry, r } = await connected();
    await db.secrets.put({ connectorId: r.id, values: { ...(await db.secrets.get(r.id))!.values, refreshToken: '5Aep-revoked-by-admin' } });
    sim.expireSessions();
    await upsertContact({ name: 'Katherine Johnson', emails: ['kj@nasa.example'] }, src, {}, db);
    const run = await runOnce(db, registry);
    expect(run.paused).toEqual([r.id]);
    expect((await db.connectors.get(r.id))!.status).toMatchObject({
      paused: true,
      pausedReason: expect.stringMatching(/Salesforce refused to renew the session \(.*invalid_grant.*\)\. Reconnect/),
    });
    expect(await db.outbox.count()).toBe(1); // still queued for after the reconnect
  });

  it('refuses an answer whose state does not match, a provider error, and a missing client id', async () => {
    const { sim, db, registry } = await setup();
    const base = { type: 'salesforce', values: { clientId: CLIENT, loginUrl: sim.url } };
    const forged = await connectWithOAuth(db, registry, base, {
      launchWebAuthFlow: signInWindow((u) => u.searchParams.set('state', 'forged')),
      redirectUri: REDIRECT,
      fetch,
    });
    expect(forged).toMatchObject({ ok: false, error: expect.stringMatching(/state/) });
    const denied = await connectWithOAuth(db, registry, base, {
      launchWebAuthFlow: async () => `${REDIRECT}?error=access_denied&error_description=end-user+denied+authorization`,
      redirectUri: REDIRECT,
      fetch,
    });
    expect(denied).toMatchObject({ ok: false, error: expect.stringMatching(/access_denied.*denied/) });
    const wrongRedirect = await connectWithOAuth(db, registry, base, {
      launchWebAuthFlow: signInWindow(),
      redirectUri: 'https://elsewhere.example/',
      fetch,
    });
    expect(wrongRedirect).toMatchObject({ ok: false, error: expect.stringMatching(/redirect_uri_mismatch/) });
    const noClient = await connectWithOAuth(
      db,
      registry,
      { type: 'salesforce', values: { loginUrl: sim.url } },
      { launchWebAuthFlow: signInWindow(), redirectUri: REDIRECT, fetch },
    );
    expect(noClient).toMatchObject({ ok: false, error: expect.stringMatching(/clientId/) });
    expect(await db.connectors.count()).toBe(0);
  });
});

/** Salesforce with small batches, so that many batches are in flight at once. */
const smallBatches = { ...salesforceConnector, batchSize: { contact: 5 } } as AnyConnector;

async function connectedWith(connector: AnyConnector) {
  const sim = await startSalesforceSim({ tokens: [], clients: [{ clientId: CLIENT, redirectUris: [REDIRECT] }] });
  sims.push(sim);
  const db = await freshDb();
  const registry = createRegistry([connector]);
  const r = await connectWithOAuth(
    db,
    registry,
    { type: 'salesforce', values: { clientId: CLIENT, loginUrl: sim.url }, kinds: ['contact'] },
    { launchWebAuthFlow: signInWindow(), redirectUri: REDIRECT, fetch },
  );
  if (!r.ok) throw new Error(r.error);
  return { sim, db, registry, id: r.id };
}

async function saveContacts(db: Awaited<ReturnType<typeof freshDb>>, n: number) {
  for (let i = 0; i < n; i++) await upsertContact({ name: `Person ${i}`, emails: [`p${i}@expired.example`] }, src, {}, db);
}

describe('token refresh under concurrency and blips', () => {
  it('eight batches finding the session expired share one refresh; none is refused, nothing pauses', async () => {
    const { sim, db, registry, id } = await connectedWith(smallBatches);
    await saveContacts(db, 40);
    sim.expireSessions();
    const run = await runOnce(db, registry, { maxInFlight: 8 });
    expect(run.paused).toEqual([]);
    expect(run.pushed).toBe(40);
    expect(sim.tokenRefreshes).toBe(1);
    expect((await db.connectors.get(id))!.status.paused).toBeFalsy();
    // The stored refresh token is the live one: the next expiry is recovered too.
    sim.expireSessions();
    await upsertContact({ name: 'Person 0', emails: ['p0@expired.example'], title: 'Engineer' }, src, {}, db);
    expect((await runOnce(db, registry)).pushed).toBe(1);
    expect(sim.tokenRefreshes).toBe(2);
  });

  it('a card look-up and a sync run at once share one refresh', async () => {
    const { sim, db, registry } = await connectedWith(salesforceConnector as AnyConnector);
    sim.insert('Contact', { LastName: 'Known', Email: 'known@crm.example' });
    await saveContacts(db, 10);
    sim.expireSessions();
    const [cards, run] = await Promise.all([refreshCrmCards(db, registry, ['known@crm.example']), runOnce(db, registry)]);
    expect(cards).toMatchObject([{ email: 'known@crm.example', found: { remoteId: expect.any(String) } }]);
    expect(cards[0].error).toBeUndefined();
    expect(run).toMatchObject({ pushed: 10, paused: [] });
    expect(sim.tokenRefreshes).toBe(1);
  });

  it('a token endpoint failing transiently is retried with backoff; the connection is not paused', async () => {
    const { sim, db, registry, id } = await connectedWith(salesforceConnector as AnyConnector);
    await saveContacts(db, 3);
    sim.expireSessions();
    sim.failTokenRequests(2, 503);
    const clock = new FakeClock();
    const run = await runOnce(db, registry, { now: clock.now, sleep: clock.sleep });
    expect(run).toMatchObject({ pushed: 3, paused: [] });
    expect(sim.tokenRefreshes).toBe(1);

    // Down for longer than the retries: the entries wait for a later run, still nothing paused.
    sim.expireSessions();
    sim.failTokenRequests(REFRESH_ATTEMPTS, 0);
    await upsertContact({ name: 'Person 1', emails: ['p1@expired.example'], title: 'Later' }, src, {}, db);
    const down = await runOnce(db, registry, { now: clock.now, sleep: clock.sleep });
    expect(down).toMatchObject({ pushed: 0, paused: [] });
    expect((await db.connectors.get(id))!.status.paused).toBeFalsy();
    const [entry] = await db.outbox.toArray();
    expect(entry).toMatchObject({ state: 'failed', lastErrorKind: 'transient' });
    expect(entry.lastError).toMatch(/renewing the access token/);
    clock.advance(60 * 60_000);
    expect((await runOnce(db, registry, { now: clock.now, sleep: clock.sleep })).pushed).toBe(1);
  });

  it('a refresh that loses a race with another one (rotation) uses the winner’s tokens instead of pausing', async () => {
    const { sim, db, registry, id } = await connectedWith(salesforceConnector as AnyConnector);
    await saveContacts(db, 2);
    sim.expireSessions();
    let raced = false;
    // Another worker refreshes with the same refresh token just before this one's request lands.
    const racingFetch: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!raced && url.endsWith('/services/oauth2/token')) {
        raced = true;
        const secrets = (await db.secrets.get(id))!.values;
        const other = await refreshAccessToken(fetch, { clientId: CLIENT, refreshToken: secrets.refreshToken, loginUrl: sim.url });
        await db.secrets.put({ connectorId: id, values: { accessToken: other.accessToken, refreshToken: other.refreshToken! } });
      }
      return fetch(input, init);
    };
    const run = await runOnce(db, registry, { fetch: racingFetch });
    expect(raced).toBe(true);
    expect(run).toMatchObject({ pushed: 2, paused: [] });
    // The winner's refresh token is still the stored one, and it works.
    sim.expireSessions();
    await upsertContact({ name: 'Person 0', emails: ['p0@expired.example'], title: 'Again' }, src, {}, db);
    expect((await runOnce(db, registry)).pushed).toBe(1);
  });

  it('a refresh stores the new tokens and leaves what a 403 paused alone (new tokens grant no scope)', async () => {
    const { sim, db, registry, id } = await connectedWith(salesforceConnector as AnyConnector);
    await pauseKind(db, id, 'task', 'Salesforce 403 INSUFFICIENT_ACCESS: no access to Task');
    await saveContacts(db, 1);
    sim.expireSessions();
    expect(await runOnce(db, registry)).toMatchObject({ pushed: 1, paused: [] });
    expect(sim.tokenRefreshes).toBe(1);
    expect((await db.connectors.get(id))!.status.pausedKinds).toEqual({
      task: { reason: 'Salesforce 403 INSUFFICIENT_ACCESS: no access to Task', at: expect.any(Number) },
    });
  });
});
