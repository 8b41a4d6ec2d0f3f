// Pull (CRM → local) through the engine, against the simulated HubSpot over real HTTP: people
// changed in the CRM land in the local database (filling empty fields, never overwriting), with
// their links, without echoing back to that CRM, and reach the other connections.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hubspotConnector } from '../../../connectors/hubspot';
import { startHubspotSim, type HubspotSim } from '../../sims/hubspot';
import { createRegistry, type AnyConnector } from '../../../connectors/registry';
import { addNote, findContactByEmail, upsertContact } from '../../../storage/repositories';
import { entryKey } from '../../../storage/outbox';
import { saveConnectorInstance } from '../../../sync/connectors';
import { runOnce, syncNow } from '../../../sync/engine';
import { connectorStateKey } from '../../../storage/sync-rows';
import { applyPullPage, PULL_INTERVAL_MS } from '../../../sync/pull';
import { closeDbs, FakeClock, freshDb, src } from './helpers';

const TOKEN = 'hs-pull-token-abcdef';
const sims: HubspotSim[] = [];
afterEach(closeDbs);
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function sim(tokens = [TOKEN]) {
  const s = await startHubspotSim({ tokens });
  sims.push(s);
  return s;
}

const writes = (s: HubspotSim) => s.server.log.filter((l) => !/\/(search|batch\/read)$/.test(l.path) && l.method !== 'GET').length;

describe('pull from a CRM', () => {
  it('merges CRM people into the local database: new people, empty fields filled, local values kept, links recorded, no echo', async () => {
    const hs = await sim();
    const zoe = hs.create('contacts', {
      email: 'zoe@acme.fr',
      firstname: 'Zoé',
      lastname: 'CRM-Name',
      jobtitle: 'CEO',
      phone: '+33 1 23 45 67 89',
    });
    const ana = hs.create('contacts', { email: 'ana@globex.es', firstname: 'Ana', lastname: 'Núñez', jobtitle: 'CTO', company: 'Globex' });
    const db = await freshDb();
    // Known locally, with a name the user typed and no title.
    const { contact: local } = await upsertContact({ name: 'Zoë Local', emails: ['zoe@acme.fr'] }, src, {}, db);
    const registry = createRegistry([hubspotConnector as AnyConnector]);
    const inst = await saveConnectorInstance(db, registry, {
      type: 'hubspot',
      values: { accessToken: TOKEN, baseUrl: hs.url },
      kinds: ['contact'],
      direction: 'pull',
    });
    const clock = new FakeClock();
    const run = await runOnce(db, registry, { now: clock.now, sleep: clock.sleep });
    expect(run.pulled).toBe(2);

    const zoeLocal = await findContactByEmail('zoe@acme.fr', db);
    expect(zoeLocal).toMatchObject({ id: local.id, name: 'Zoë Local', title: 'CEO' });
    expect(zoeLocal!.phones).toEqual(['+33 1 23 45 67 89']);
    const anaLocal = await findContactByEmail('ana@globex.es', db);
    expect(anaLocal).toMatchObject({ name: 'Ana Núñez', title: 'CTO', company: 'Globex' });
    expect(anaLocal!.sources.map((s) => s.type)).toContain('crm');
    expect(await db.links.get([inst.id, 'contact', local.id])).toMatchObject({ remoteId: zoe.id });
    expect(await db.links.get([inst.id, 'contact', anaLocal!.id])).toMatchObject({ remoteId: ana.id });
    // Nothing echoes back: no outbox entry, no write request.
    expect(await db.outbox.count()).toBe(0);
    expect(writes(hs)).toBe(0);
    // Not due again before the interval; then only what changed comes.
    const requests = hs.server.log.length;
    await runOnce(db, registry, { now: clock.now, sleep: clock.sleep });
    expect(hs.server.log.length).toBe(requests);
    hs.create('contacts', { email: 'li@example.cn', firstname: '李', lastname: '娜' });
    clock.advance(PULL_INTERVAL_MS + 1);
    const again = await runOnce(db, registry, { now: clock.now, sleep: clock.sleep });
    expect(again.pulled).toBe(1);
    expect((await findContactByEmail('li@example.cn', db))?.name).toBe('李 娜');
    expect((await db.syncState.get(connectorStateKey(inst.id)))?.pullCursor).toBeTruthy();
  });

  it('both directions: a local change to a pulled person updates that CRM record (by its id, no duplicate); other connections receive pulled people', async () => {
    const source = await sim();
    const other = await sim(['hs-other-token-1234']);
    source.create('contacts', { email: 'marie@initech.io', firstname: 'Marie', lastname: 'Curie' });
    const db = await freshDb();
    const registry = createRegistry([hubspotConnector as AnyConnector]);
    const sourceInst = await saveConnectorInstance(db, registry, {
      type: 'hubspot',
      values: { accessToken: TOKEN, baseUrl: source.url },
      kinds: ['contact'],
      direction: 'both',
    });
    await saveConnectorInstance(db, registry, {
      type: 'hubspot',
      values: { accessToken: 'hs-other-token-1234', baseUrl: other.url },
      kinds: ['contact'],
      direction: 'push',
    });
    const clock = new FakeClock();
    // Run 1 pulls Marie and queues her for the other connection; run 2 delivers her there.
    await runOnce(db, registry, { now: clock.now, sleep: clock.sleep });
    // Queued for the other connection only: nothing goes back to the CRM it came from.
    expect((await db.outbox.toArray()).map((e) => e.connectorId)).not.toContain(sourceInst.id);
    await syncNow(db, registry, { now: clock.now, sleep: clock.sleep });
    expect(other.list('contacts').map((c) => c.properties.email)).toEqual(['marie@initech.io']);
    expect(source.server.log.filter((l) => l.path.includes('/batch/'))).toEqual([]);

    // The user adds a title locally: pushed to the source CRM as an update of the pulled record.
    await upsertContact({ name: 'Marie Curie', emails: ['marie@initech.io'], title: 'Physicist' }, src, {}, db);
    await syncNow(db, registry, { now: clock.now, sleep: clock.sleep });
    expect(source.list('contacts')).toHaveLength(1);
    expect(source.list('contacts')[0].properties.jobtitle).toBe('Physicist');
    expect(await db.outbox.count()).toBe(0);
  });

  it('a revoked token pauses the connection with the reason; the cursor does not move', async () => {
    const hs = await sim();
    hs.create('contacts', { email: 'x@y.io', firstname: 'X' });
    const db = await freshDb();
    const registry = createRegistry([hubspotConnector as AnyConnector]);
    const inst = await saveConnectorInstance(db, registry, {
      type: 'hubspot',
      values: { accessToken: 'not-the-token-0000', baseUrl: hs.url },
      kinds: ['contact'],
      direction: 'pull',
    });
    const run = await runOnce(db, registry);
    expect(run.paused).toEqual([inst.id]);
    const saved = await db.connectors.get(inst.id);
    expect(saved!.status.paused).toBe(true);
    expect(saved!.status.pausedReason).toMatch(/pull.*401/);
    expect(saved!.status.pausedReason).not.toContain('not-the-token-0000');
    expect((await db.syncState.get(connectorStateKey(inst.id)))?.pullCursor).toBeUndefined();
    expect(await db.contacts.count()).toBe(0);
  });

  it('a 403 on reading people (no read scope) pauses only the pull; pushing goes on', async () => {
    const hs = await sim();
    hs.create('contacts', { email: 'x@y.io', firstname: 'X' });
    const db = await freshDb();
    const registry = createRegistry([hubspotConnector as AnyConnector]);
    const inst = await saveConnectorInstance(db, registry, {
      type: 'hubspot',
      values: { accessToken: TOKEN, baseUrl: hs.url },
      kinds: ['company', 'contact'],
      direction: 'both',
    });
    await upsertContact({ name: 'Local Person', emails: ['local@acme.example'], company: 'Acme' }, src, {}, db);
    // The companies scope is there, the contacts one is not (pull reads contacts; the push writes them too).
    hs.missingScopes.add('contacts');
    const run = await runOnce(db, registry);
    expect(run.paused).toEqual([]);
    expect(run.pausedKinds.sort()).toEqual([`${inst.id}:contact`, `${inst.id}:pull`]);
    expect(hs.list('companies').map((c) => c.properties.name)).toEqual(['Acme']);
    const saved = (await db.connectors.get(inst.id))!;
    expect(saved.status.paused).toBeFalsy();
    expect(saved.status.pausedKinds?.pull?.reason).toMatch(/pull: .*granted all required scopes.*403/);
    expect((await db.syncState.get(connectorStateKey(inst.id)))?.pullCursor).toBeUndefined();
  });

  it('a pull that links a person makes what was refused for want of that person due again', async () => {
    const hs = await sim();
    const db = await freshDb();
    const registry = createRegistry([hubspotConnector as AnyConnector]);
    const inst = await saveConnectorInstance(db, registry, {
      type: 'hubspot',
      values: { accessToken: TOKEN, baseUrl: hs.url },
      kinds: ['contact', 'note'],
      direction: 'both',
    });
    const { contact } = await upsertContact({ name: 'Noor Haddad', emails: ['noor@acme.example'] }, src, {}, db);
    const note = await addNote([contact.id], 'Met at the fair', src, db);
    // As a commit leaves them: the contact refused, the note refused while its contact had no remote id.
    const dead = { state: 'dead' as const, nextAt: Number.MAX_SAFE_INTEGER, lastError: 'refused' };
    await db.outbox.update(entryKey(inst.id, 'contact', contact.id), dead);
    await db.outbox.update(entryKey(inst.id, 'note', note.id), { ...dead, awaiting: [`contact|${contact.id}`] });
    await applyPullPage(
      db,
      inst.id,
      { contacts: [{ remoteId: '901', contact: { name: 'Noor Haddad', emails: ['noor@acme.example'] } }], cursor: 'c1', more: false },
      connectorStateKey(inst.id),
      (row) => ({ ...row, pullCursor: 'c1' }),
    );
    expect(await db.links.get([inst.id, 'contact', contact.id])).toMatchObject({ remoteId: '901' });
    const back = await db.outbox.get(entryKey(inst.id, 'note', note.id));
    expect(back).toMatchObject({ state: 'pending', attempts: 0 });
    expect(back!.awaiting).toBeUndefined();
    expect(back!.lastError).toBeUndefined();
    expect((await db.outbox.get(entryKey(inst.id, 'contact', contact.id)))!.state).toBe('dead'); // its own refusal stands
  });
});
