// Where a connection's credentials may go: stored secrets are dropped when its address changes,
// plain http:// to another machine needs an explicit confirmation (loopback does not), and a
// connection test never sends the stored secrets to a new address.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hubspotConnector } from '../../../connectors/hubspot';
import { createRegistry, type AnyConnector } from '../../../connectors/registry';
import { salesforceConnector } from '../../../connectors/salesforce';
import { testConnection } from '../../../entrypoints/background/sync-service';
import { isLoopbackHost, loadConnectorConfig, saveConnectorInstance } from '../../../sync/connectors';
import { closeDbs, freshDb } from './helpers';

const registry = createRegistry([hubspotConnector as AnyConnector, salesforceConnector as AnyConnector]);
const TOKEN = 'pat-na1-stored-secret-0001';
afterEach(closeDbs);

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** A server on 127.0.0.1 that records the headers it receives and answers 401. */
async function recordingServer(): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"status":"error","message":"who are you?"}');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('stored secrets follow the address', () => {
  it('an edit that keeps the address keeps the secrets', async () => {
    const db = await freshDb();
    const inst = await saveConnectorInstance(db, registry, { type: 'hubspot', values: { accessToken: TOKEN } });
    await saveConnectorInstance(db, registry, { id: inst.id, type: 'hubspot', name: 'Sales', values: { existingContacts: 'overwrite' } });
    expect((await db.secrets.get(inst.id))!.values).toEqual({ accessToken: TOKEN });
  });

  it('a new address drops them: refused until they are entered again, then only the new ones are kept', async () => {
    const db = await freshDb();
    const inst = await saveConnectorInstance(db, registry, { type: 'hubspot', values: { accessToken: TOKEN } });
    await expect(
      saveConnectorInstance(db, registry, { id: inst.id, type: 'hubspot', values: { baseUrl: 'https://hubspot.evil.example' } }),
    ).rejects.toThrow(/address changed, so the saved accessToken .* was dropped: enter it again/);
    // Refused as a whole: nothing changed.
    expect((await db.connectors.get(inst.id))!.config.baseUrl).toBe('https://api.hubapi.com');
    expect((await db.secrets.get(inst.id))!.values).toEqual({ accessToken: TOKEN });

    await saveConnectorInstance(db, registry, {
      id: inst.id,
      type: 'hubspot',
      values: { baseUrl: 'https://eu1.api.hubapi.example', accessToken: 'pat-eu1-new' },
    });
    expect((await db.secrets.get(inst.id))!.values).toEqual({ accessToken: 'pat-eu1-new' });
  });

  it('an optional secret (a refresh token) is dropped too when the instance moves', async () => {
    const db = await freshDb();
    const inst = await saveConnectorInstance(db, registry, {
      type: 'salesforce',
      values: { instanceUrl: 'https://acme.my.salesforce.com', accessToken: '00D-old', refreshToken: '5Aep-old' },
    });
    await saveConnectorInstance(db, registry, {
      id: inst.id,
      type: 'salesforce',
      values: { instanceUrl: 'https://other.my.salesforce.com', accessToken: '00D-pasted' },
    });
    expect((await db.secrets.get(inst.id))!.values).toEqual({ accessToken: '00D-pasted' });
  });

  it('a connection test with a new address does not send the stored secret there', async () => {
    const db = await freshDb();
    const inst = await saveConnectorInstance(db, registry, { type: 'hubspot', values: { accessToken: TOKEN } });
    const elsewhere = await recordingServer();
    const r = await testConnection(db, registry, 'hubspot', { baseUrl: elsewhere.url }, inst.id);
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/address changed: enter the secrets again/) });
    expect(JSON.stringify(elsewhere.seen)).not.toContain(TOKEN);
    // With the token typed in, the test goes out (and the server says what it thinks of it).
    const typed = await testConnection(db, registry, 'hubspot', { baseUrl: elsewhere.url, accessToken: 'pat-typed-here' }, inst.id);
    expect(typed).toMatchObject({ ok: false });
    expect(elsewhere.seen.map((h) => h.authorization)).toEqual(['Bearer pat-typed-here']);
  });
});

describe('plain http:// needs a confirmation', () => {
  it('is refused without it, kept with it, asked again for a new address; loopback needs none', async () => {
    const db = await freshDb();
    const plain = { type: 'hubspot', values: { accessToken: TOKEN, baseUrl: 'http://crm.example.com' } };
    await expect(saveConnectorInstance(db, registry, plain)).rejects.toThrow(/http:\/\/crm\.example\.com is plain http:\/\/.*confirm/);
    expect(await db.connectors.count()).toBe(0);

    const inst = await saveConnectorInstance(db, registry, { ...plain, allowInsecureHttp: true });
    expect(inst.allowInsecureHttp).toBe(true);
    // Confirmed for this address: later edits keep it.
    await saveConnectorInstance(db, registry, { id: inst.id, type: 'hubspot', name: 'Staging', values: {} });
    expect('error' in (await loadConnectorConfig(db, registry, inst.id))).toBe(false);
    // Another http:// address: asked again.
    await expect(
      saveConnectorInstance(db, registry, {
        id: inst.id,
        type: 'hubspot',
        values: { baseUrl: 'http://other.example.com', accessToken: 'x1' },
      }),
    ).rejects.toThrow(/plain http/);

    const local = await saveConnectorInstance(db, registry, {
      type: 'hubspot',
      values: { accessToken: TOKEN, baseUrl: 'http://127.0.0.1:9' },
    });
    expect(local.allowInsecureHttp).toBeUndefined();
  });

  it('a connection saved before the rule is not used until confirmed', async () => {
    const db = await freshDb();
    const inst = await saveConnectorInstance(db, registry, {
      type: 'hubspot',
      values: { accessToken: TOKEN, baseUrl: 'http://crm.example.com' },
      allowInsecureHttp: true,
    });
    await db.connectors.update(inst.id, { allowInsecureHttp: undefined });
    expect(await loadConnectorConfig(db, registry, inst.id)).toEqual({ error: expect.stringMatching(/plain http:\/\//) });
    expect(await testConnection(db, registry, 'hubspot', {}, inst.id)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/plain http/),
    });
  });

  it('loopback hosts', () => {
    for (const h of ['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['crm.example.com', '10.0.0.1', '127.0.0.1.example.com', 'localhost.example.com'])
      expect(isLoopbackHost(h)).toBe(false);
  });
});
