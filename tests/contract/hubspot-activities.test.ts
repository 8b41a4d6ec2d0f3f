// Contract: tasks, calls and meetings against the simulated HubSpot (decision 0052): what HubSpot
// holds after each push, the deletes (batch/archive), the pull of tasks, and lost answers retried.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubspotConnector, type HubspotConfig } from '../../connectors/hubspot';
import type { ConnectorContext, RemoteTask } from '../../connectors/types';
import { startHubspotSim, type HubspotSim, type HubspotSimOptions } from '../sims/hubspot';
import { Links, activity, connectorError, contact, fetchWithTimeout, push, syncUntilDone, task } from '../sims/test-engine';

const TOKEN = 'hs-activities-token';
const sims: HubspotSim[] = [];
async function sim(options: HubspotSimOptions = {}): Promise<HubspotSim> {
  const s = await startHubspotSim({ tokens: [TOKEN], ...options });
  sims.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

function ctxFor(s: HubspotSim, config: Partial<HubspotConfig> = {}): ConnectorContext<HubspotConfig> {
  return { config: { accessToken: TOKEN, baseUrl: s.url, ...config }, fetch: fetchWithTimeout(3000), fieldMapping: {} };
}

const RAPPORT_ID: HubspotSimOptions['customProperties'] = {
  calls: ['rapport_id'],
  meetings: ['rapport_id'],
  tasks: ['rapport_id'],
};
const ana = contact('ct_ana', { name: 'Ana Núñez', emails: ['ana@globex.es'] });
const bo = contact('ct_bo', { name: 'Bo Berg', emails: ['bo@acme.se'] });

describe('HubSpot: tasks, calls and meetings', () => {
  let hs: HubspotSim;
  let ctx: ConnectorContext<HubspotConfig>;
  const links = new Links();
  beforeAll(async () => {
    hs = await sim({ customProperties: RAPPORT_ID });
    ctx = ctxFor(hs, { rapportIdProperty: 'rapport_id' });
    await push(hubspotConnector, ctx, 'contact', [ana, bo], links);
  });
  afterEach(() => hs.faults.clear());

  it('a task with its due time, priority and notes; completed, then reopened, in place', async () => {
    const t = task('tk_quote', {
      title: 'Send the quote',
      notes: 'Ask for the PO number',
      dueAt: '2025-03-10T14:30:00.000Z',
      priority: 'high',
      contactIds: ['ct_ana'],
    });
    expect((await push(hubspotConnector, ctx, 'task', [t], links, { firstSend: true }))[0].ok).toBe(true);
    const remote = () => hs.state.tasks.get(links.other.tk_quote)!.properties;
    expect(remote()).toMatchObject({
      hs_task_subject: 'Send the quote',
      hs_task_body: 'Ask for the PO number',
      hs_timestamp: '2025-03-10T14:30:00.000Z',
      hs_task_priority: 'HIGH',
      hs_task_status: 'NOT_STARTED',
      rapport_id: 'tk_quote',
    });
    expect(hs.associationsOf('tasks', links.other.tk_quote, 'contacts')).toEqual([{ toId: links.contacts.ct_ana, typeIds: [204] }]);
    await push(hubspotConnector, ctx, 'task', [{ ...t, done: true, completedAt: '2025-03-10T15:00:00.000Z' }], links, {
      useRemoteIds: true,
    });
    expect(remote().hs_task_status).toBe('COMPLETED');
    expect(remote().hs_task_completion_date).toBeTruthy();
    await push(hubspotConnector, ctx, 'task', [{ ...t, priority: undefined }], links, { useRemoteIds: true });
    expect(remote()).toMatchObject({ hs_task_status: 'NOT_STARTED', hs_task_priority: 'NONE' });
    expect(remote().hs_task_completion_date).toBeUndefined();
    expect(hs.list('tasks')).toHaveLength(1);
  });

  it('a call: duration in milliseconds, a known outcome as HubSpot’s disposition, the user’s own words in the notes; associations 194', async () => {
    const call = activity('ac_call', {
      type: 'call',
      subject: 'Call',
      body: 'Wants a demo',
      occurredAt: '2025-03-04T10:00:00.000Z',
      durationMinutes: 6,
      outcome: 'connected',
      contactIds: ['ct_ana', 'ct_bo'],
    });
    const odd = activity('ac_call2', {
      type: 'call',
      occurredAt: '2025-03-04T11:00:00.000Z',
      outcome: 'asked to call back',
      contactIds: ['ct_bo'],
    });
    const out = await push(hubspotConnector, ctx, 'call', [call, odd], links, { firstSend: true });
    expect(out.every((o) => o.ok)).toBe(true);
    const first = hs.state.calls.get(links.other.ac_call)!.properties;
    expect(first).toMatchObject({
      hs_call_title: 'Call',
      hs_call_body: 'Wants a demo',
      hs_call_duration: '360000',
      hs_call_disposition: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
      hs_call_status: 'COMPLETED',
      hs_timestamp: '2025-03-04T10:00:00.000Z',
    });
    const second = hs.state.calls.get(links.other.ac_call2)!.properties;
    expect(second.hs_call_disposition).toBeUndefined();
    expect(second.hs_call_body).toBe('Outcome: asked to call back');
    expect(hs.associationsOf('calls', links.other.ac_call, 'contacts').map((a) => a.typeIds)).toEqual([[194], [194]]);
  });

  it('a meeting: start and end from its date and duration, attendees in the body; associations 200', async () => {
    const meeting = activity('ac_meet', {
      type: 'meeting',
      subject: 'Demo',
      body: 'Went well',
      occurredAt: '2025-03-05T13:00:00.000Z',
      durationMinutes: 45,
      participants: [{ name: 'Bo Berg', email: 'bo@acme.se' }],
      contactIds: ['ct_bo'],
    });
    expect((await push(hubspotConnector, ctx, 'meeting', [meeting], links, { firstSend: true }))[0].ok).toBe(true);
    expect(hs.state.meetings.get(links.other.ac_meet)!.properties).toMatchObject({
      hs_meeting_title: 'Demo',
      hs_meeting_start_time: '2025-03-05T13:00:00.000Z',
      hs_meeting_end_time: '2025-03-05T13:45:00.000Z',
      hs_meeting_outcome: 'COMPLETED',
    });
    expect(hs.state.meetings.get(links.other.ac_meet)!.properties.hs_meeting_body).toContain('Bo Berg');
    expect(hs.associationsOf('meetings', links.other.ac_meet, 'contacts')).toEqual([{ toId: links.contacts.ct_bo, typeIds: [200] }]);
  });

  it('a call whose answer was lost is found on retry, not logged twice', async () => {
    const call = activity('ac_lost', { type: 'call', subject: 'Call', occurredAt: '2025-03-06T09:00:00.000Z', contactIds: ['ct_ana'] });
    hs.faults.failNextOn('lostResponse', /batch\/create/);
    hs.faults.failNext('rate429');
    const { thrown } = await syncUntilDone(hubspotConnector, ctx, 'call', [call], links, 10);
    expect(thrown.map((e) => e.kind).sort()).toEqual(['rate-limit', 'transient']);
    expect(hs.list('calls').filter((c) => c.properties.rapport_id === 'ac_lost')).toHaveLength(1);
  });

  it('deleting here archives the task, call and e-mail in HubSpot; one already gone counts as archived; a 429 fails the batch with Retry-After', async () => {
    const req = (localId: string) => ({
      remoteId: links.other[localId],
      localId,
      changeId: `chg_${localId}`,
      requestedAt: '2025-03-07T00:00:00.000Z',
    });
    hs.faults.set({ retryAfterSeconds: 9 });
    hs.faults.failNext('rate429');
    const limited = await connectorError(hubspotConnector.archive!(ctx, 'task', [req('tk_quote')]));
    expect(limited).toMatchObject({ kind: 'rate-limit', retryAfterMs: 9000 });
    expect(await hubspotConnector.archive!(ctx, 'task', [req('tk_quote')])).toEqual([{ remoteId: links.other.tk_quote, ok: true }]);
    expect(await hubspotConnector.archive!(ctx, 'call', [req('ac_call'), { ...req('ac_call2'), remoteId: '999999' }])).toEqual([
      { remoteId: links.other.ac_call, ok: true },
      { remoteId: '999999', ok: true },
    ]);
    expect(hs.list('tasks')).toHaveLength(0);
    expect(hs.list('calls').map((c) => c.id)).not.toContain(links.other.ac_call);
    expect(hubspotConnector.archivable).toEqual(['contact', 'company', 'email', 'note', 'call', 'meeting', 'task', 'deal', 'case']);
  });
});

describe('HubSpot: pulling tasks', () => {
  it('brings tasks changed since the cursor with their contacts, then only what changed (a completion); none without asking', async () => {
    const hs = await sim({ customProperties: RAPPORT_ID });
    const ctx = ctxFor(hs);
    const person = hs.create('contacts', { email: 'li@example.cn', firstname: 'Li' });
    const t1 = hs.create('tasks', {
      hs_task_subject: 'Call back about the renewal',
      hs_task_body: '<p>Budget &amp; timing</p>',
      hs_task_status: 'NOT_STARTED',
      hs_task_priority: 'LOW',
      hs_timestamp: '2025-04-01T08:00:00.000Z',
    });
    hs.associate('tasks', t1.id, 'contacts', person.id, 204);
    const mine = hs.create('tasks', {
      hs_task_subject: 'Made by Rapport',
      hs_timestamp: '2025-04-02T08:00:00.000Z',
      rapport_id: 'tk_local',
    });

    const withoutTasks = await hubspotConnector.pull!(ctx, undefined);
    expect(withoutTasks.tasks).toBeUndefined();

    const first = await hubspotConnector.pull!(ctx, undefined, { tasks: true });
    const byId = new Map((first.tasks ?? []).map((t) => [t.remoteId, t]));
    expect(byId.get(t1.id)).toMatchObject<Partial<RemoteTask>>({
      title: 'Call back about the renewal',
      notes: 'Budget & timing',
      dueAt: '2025-04-01T08:00:00.000Z',
      done: false,
      priority: 'low',
      contactRemoteIds: [person.id],
    });
    expect(byId.get(mine.id)).toMatchObject({ localId: 'tk_local', contactRemoteIds: [] });
    expect(first.contacts.map((c) => c.remoteId)).toEqual([person.id]);

    const quiet = await hubspotConnector.pull!(ctx, first.cursor, { tasks: true });
    expect(quiet.tasks).toEqual([]);
    expect(quiet.contacts).toEqual([]);

    await new Promise((r) => setTimeout(r, 5));
    hs.update('tasks', t1.id, { hs_task_status: 'COMPLETED' });
    const next = await hubspotConnector.pull!(ctx, quiet.cursor, { tasks: true });
    expect(next.tasks).toHaveLength(1);
    expect(next.tasks![0]).toMatchObject({ remoteId: t1.id, done: true });
    expect(next.tasks![0].completedAt).toBeTruthy();
  });

  it('a cursor from before tasks were pulled keeps the contacts’ place and starts the tasks from the beginning', async () => {
    const hs = await sim();
    const ctx = ctxFor(hs);
    hs.create('contacts', { email: 'old@example.com' });
    const before = await hubspotConnector.pull!(ctx, undefined);
    hs.create('tasks', { hs_task_subject: 'Older task', hs_timestamp: '2025-01-01T00:00:00.000Z' });
    const after = await hubspotConnector.pull!(ctx, before.cursor, { tasks: true });
    expect(after.contacts).toEqual([]);
    expect(after.tasks!.map((t) => t.title)).toEqual(['Older task']);
  });
});
