// "Connect with Salesforce" (authorization code + PKCE) and token refresh with rotation, against the
// simulated Salesforce over real HTTP. The browser's sign-in window (identity.launchWebAuthFlow) is
// played by following the provider's redirects up to the extension's redirect URL, which is what
// the window does when the user is already signed in and approves.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectWithOAuth, type OAuthDeps } from '../../../entrypoints/background/oauth';
import { createRegistry, type AnyConnector } from '../../../connectors/registry';
import { salesforceConnector } from '../../../connectors/salesforce';
import { startSalesforceSim, type SalesforceSim } from '../../sims/salesforce';
import { upsertContact } from '../../../storage/repositories';
import { runOnce } from '../../../sync/engine';
import { closeDbs, freshDb, src } from './helpers';

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
    expect((await db.connectors.get(r.id))!.status.paused).toBe(true);
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
