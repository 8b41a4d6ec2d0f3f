// Contract: tasks, calls and meetings as Pipedrive activities, and deletes, against the simulated
// Pipedrive API (decision 0052). Asserts what Pipedrive holds, with lost answers and 429s injected.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pipedriveConnector, type PipedriveConfig } from '../../connectors/pipedrive';
import type { ConnectorContext } from '../../connectors/types';
import { startPipedriveSim, type PipedriveSim } from '../sims/pipedrive';
import {
  Links,
  activity,
  connectorError,
  contact,
  fetchWithTimeout,
  push,
  rateLimitedFetch,
  syncUntilDone,
  task,
} from '../sims/test-engine';

const TOKEN = 'pd-activities-token';
let pd: PipedriveSim;
let ctx: ConnectorContext<PipedriveConfig>;
const links = new Links();

beforeAll(async () => {
  pd = await startPipedriveSim({ tokens: [TOKEN] });
  const config: PipedriveConfig = { apiToken: TOKEN, companyDomain: 'rapport-test', baseUrl: pd.url, plan: 'essential' };
  ctx = {
    config,
    fetch: rateLimitedFetch(fetchWithTimeout(3000), pipedriveConnector.rateLimitFor!(config)),
    fieldMapping: { ...pipedriveConnector.defaultFieldMapping },
  };
  await push(pipedriveConnector, ctx, 'contact', [contact('ct_ana', { name: 'Ana Núñez', emails: ['ana@globex.es'] })], links);
});
afterAll(() => pd.close());
afterEach(() => pd.faults.clear());

const activityOf = (localId: string) => pd.activities().find((a) => a.id === Number(links.other[localId]));

describe('Pipedrive: tasks, calls and meetings as activities', () => {
  it('a task: due date and time in UTC, notes, done; completed and reopened in place', async () => {
    const t = task('tk_demo', { title: 'Book the demo', notes: 'Room 2', dueAt: '2025-03-10T14:30:00.000Z', contactIds: ['ct_ana'] });
    expect((await push(pipedriveConnector, ctx, 'task', [t], links, { firstSend: true }))[0].ok).toBe(true);
    expect(activityOf('tk_demo')).toMatchObject({
      type: 'task',
      subject: 'Book the demo',
      due_date: '2025-03-10',
      due_time: '14:30',
      done: false,
      person_id: Number(links.contacts.ct_ana),
    });
    expect(activityOf('tk_demo')!.note).toContain('Room 2');
    await push(pipedriveConnector, ctx, 'task', [{ ...t, done: true }], links, { useRemoteIds: true });
    expect(activityOf('tk_demo')!.done).toBe(true);
    await push(pipedriveConnector, ctx, 'task', [t], links, { useRemoteIds: true });
    expect(activityOf('tk_demo')!.done).toBe(false);
    expect(pd.activities()).toHaveLength(1);
  });

  it('a call and a meeting: done activities of type call / meeting with their duration, outcome and attendees in the note', async () => {
    const call = activity('ac_call', {
      type: 'call',
      subject: 'Call',
      occurredAt: '2025-03-04T10:05:00.000Z',
      durationMinutes: 75,
      outcome: 'no-answer',
      contactIds: ['ct_ana'],
    });
    const meeting = activity('ac_meet', {
      type: 'meeting',
      subject: 'Kick-off',
      occurredAt: '2025-03-05T13:00:00.000Z',
      durationMinutes: 30,
      participants: [{ name: 'Bo Berg' }],
      body: 'Agreed on scope',
      contactIds: ['ct_ana'],
    });
    expect((await push(pipedriveConnector, ctx, 'call', [call], links, { firstSend: true }))[0].ok).toBe(true);
    expect((await push(pipedriveConnector, ctx, 'meeting', [meeting], links, { firstSend: true }))[0].ok).toBe(true);
    expect(activityOf('ac_call')).toMatchObject({ type: 'call', done: true, duration: '01:15', due_date: '2025-03-04', due_time: '10:05' });
    expect(activityOf('ac_call')!.note).toContain('Outcome: no-answer');
    expect(activityOf('ac_meet')).toMatchObject({ type: 'meeting', done: true, duration: '00:30', subject: 'Kick-off' });
    expect(activityOf('ac_meet')!.note).toMatch(/Attendees: Bo Berg.*Agreed on scope/);
  });

  it('a call whose answer was lost is found by its marker on retry, not logged twice', async () => {
    const call = activity('ac_lost', { type: 'call', occurredAt: '2025-03-06T09:00:00.000Z', contactIds: ['ct_ana'] });
    pd.faults.failNextOn('lostResponse', /^POST \/api\/v2\/activities$/);
    const { thrown } = await syncUntilDone(pipedriveConnector, ctx, 'call', [call], links, 1);
    expect(thrown.length).toBeGreaterThan(0);
    expect(pd.activities().filter((a) => (a.note ?? '').includes('[rapport:ac_lost]'))).toHaveLength(1);
  });
});

describe('Pipedrive: deleting what Rapport wrote', () => {
  const req = (localId: string, remoteId = links.other[localId]) => ({
    remoteId,
    localId,
    changeId: `chg_${localId}`,
    requestedAt: '2025-03-07T00:00:00.000Z',
  });

  it('a task, a call and an un-logged e-mail (a note) are deleted; one already gone counts as deleted', async () => {
    const mail = activity('em_1', { type: 'email', subject: 'Hello', occurredAt: '2025-03-01T08:00:00.000Z', contactIds: ['ct_ana'] });
    await push(pipedriveConnector, ctx, 'email', [mail], links);
    expect(pd.notes()).toHaveLength(1);
    expect(await pipedriveConnector.archive!(ctx, 'task', [req('tk_demo'), req('tk_gone', '99999')])).toEqual([
      { remoteId: links.other.tk_demo, ok: true },
      { remoteId: '99999', ok: true },
    ]);
    expect(await pipedriveConnector.archive!(ctx, 'call', [req('ac_call')])).toEqual([{ remoteId: links.other.ac_call, ok: true }]);
    expect(await pipedriveConnector.archive!(ctx, 'email', [req('em_1')])).toEqual([{ remoteId: links.other.em_1, ok: true }]);
    expect(activityOf('tk_demo')).toBeUndefined();
    expect(activityOf('ac_call')).toBeUndefined();
    expect(pd.notes()).toHaveLength(0);
    expect(pipedriveConnector.archivable).toEqual(['contact', 'company', 'email', 'note', 'call', 'meeting', 'task', 'deal']);
  });

  it('a 429 on a delete is a rate-limit with Retry-After for the batch; a 500 is transient', async () => {
    pd.faults.set({ retryAfterSeconds: 4 });
    pd.faults.failNextOn('rate429', /^DELETE /);
    expect(await connectorError(pipedriveConnector.archive!(ctx, 'meeting', [req('ac_meet')]))).toMatchObject({
      kind: 'rate-limit',
      retryAfterMs: 4000,
    });
    pd.faults.failNextOn('error500', /^DELETE /);
    expect((await connectorError(pipedriveConnector.archive!(ctx, 'meeting', [req('ac_meet')]))).kind).toBe('transient');
    expect(await pipedriveConnector.archive!(ctx, 'meeting', [req('ac_meet')])).toEqual([{ remoteId: links.other.ac_meet, ok: true }]);
    expect(activityOf('ac_meet')).toBeUndefined();
  });
});

describe('Pipedrive: pulling tasks', () => {
  it('brings task activities changed since the cursor, with their persons and due time in UTC; then only what changed', async () => {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const personId = Number(links.contacts.ct_ana);
    const raw = {
      id: 990001,
      subject: 'Renewal call prep',
      type: 'task',
      owner_id: 1,
      done: false,
      due_date: '2025-04-01',
      due_time: '07:30',
      duration: null,
      participants: [{ person_id: personId, primary: true }],
      person_id: personId,
      org_id: null,
      deal_id: null,
      note: '<p>Budget &amp; timing</p>',
      is_deleted: false,
      add_time: now,
      update_time: now,
    };
    pd.state.activities.set(raw.id, raw);
    pd.state.activities.set(990002, { ...raw, id: 990002, type: 'lunch', subject: 'Lunch' });
    expect((await pipedriveConnector.pull!(ctx, undefined)).tasks).toBeUndefined();
    const first = await pipedriveConnector.pull!(ctx, undefined, { tasks: true });
    const pulled = first.tasks!.find((t) => t.remoteId === '990001');
    expect(pulled).toMatchObject({
      title: 'Renewal call prep',
      notes: 'Budget & timing',
      dueAt: '2025-04-01T07:30:00.000Z',
      done: false,
      contactRemoteIds: [String(personId)],
    });
    expect(first.tasks!.map((t) => t.remoteId)).not.toContain('990002');
    // Rapport's own (pushed earlier in this file, still there) carry their local id.
    for (const t of first.tasks!.filter((t) => t.remoteId !== '990001')) expect(t.localId).toMatch(/^tk_/);

    const quiet = await pipedriveConnector.pull!(ctx, first.cursor, { tasks: true });
    expect(quiet.tasks).toEqual([]);
    await new Promise((r) => setTimeout(r, 1100)); // update_time has second precision
    Object.assign(pd.state.activities.get(990001)!, { done: true, update_time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
    const next = await pipedriveConnector.pull!(ctx, quiet.cursor, { tasks: true });
    expect(next.tasks).toEqual([expect.objectContaining({ remoteId: '990001', done: true })]);
  });
});
