// Contract: tasks (priority, completed and reopened), calls (Task, TaskSubtype Call) and meetings
// (Event) against the simulated Salesforce org, and deletes through sObject Collections (decision
// 0052), with answers lost after the commit.
import { afterEach, describe, expect, it } from 'vitest';
import { SalesforceConfig, salesforceConnector as sf } from '../../connectors/salesforce';
import type { ConnectorContext, LinkedIds, PushItem, PushOutcome, SyncKind } from '../../connectors/types';
import type { Activity, Contact, Task } from '../../storage/schema';
import { startSalesforceSim, type SalesforceSim, type SalesforceSimOptions } from '../sims/salesforce';

const T0 = '2026-01-05T10:00:00.000Z';
const base = { createdAt: T0, updatedAt: T0, sources: [{ type: 'manual' as const, at: T0 }] };

let sims: SalesforceSim[] = [];
async function sim(options: SalesforceSimOptions = {}): Promise<SalesforceSim> {
  const s = await startSalesforceSim(options);
  sims.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

function ctxFor(s: SalesforceSim): ConnectorContext<SalesforceConfig> {
  const config = SalesforceConfig.parse({ instanceUrl: s.url, accessToken: 'sim-token' });
  return { config, fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(5000) }), fieldMapping: {} };
}

let seq = 0;
function items(
  kind: SyncKind,
  records: (Contact | Activity | Task)[],
  linked: LinkedIds,
  remoteIds: Record<string, string> = {},
): PushItem[] {
  return records.map((record) => ({
    entryId: `entry-${record.id}-${++seq}`,
    changeId: `chg-${record.id}-${seq}`,
    item: { kind, record } as PushItem['item'],
    linked,
    ...(remoteIds[record.id] ? { remoteId: remoteIds[record.id] } : {}),
  }));
}
const okIds = (outs: PushOutcome[]) =>
  outs.map((o) => {
    if (!o.ok) throw o.error;
    return o.remoteId;
  });

const ann: Contact = { ...base, id: 'ct_ann', name: 'Ann Lee', emails: ['ann@acme.example'], phones: [], tags: [] };

async function withAnn(s: SalesforceSim) {
  const ctx = ctxFor(s);
  const [annId] = okIds(await sf.push(ctx, 'contact', items('contact', [ann], { contacts: {}, companies: {} })));
  return { ctx, linked: { contacts: { ct_ann: annId }, companies: {} } as LinkedIds, annId };
}

describe('Salesforce: tasks, calls and meetings', () => {
  it('a task carries its priority; done completes it and reopening sets it back to Not Started, in place', async () => {
    const s = await sim();
    const { ctx, linked, annId } = await withAnn(s);
    const t: Task = {
      ...base,
      id: 'tk_1',
      title: 'Send quote',
      notes: 'v2',
      done: false,
      priority: 'high',
      dueAt: '2026-01-09T09:00:00.000Z',
      contactIds: ['ct_ann'],
    };
    const [id] = okIds(await sf.push(ctx, 'task', items('task', [t], linked)));
    expect(s.get(id)).toMatchObject({ Subject: 'Send quote', Priority: 'High', Status: 'Not Started', TaskSubtype: 'Task', WhoId: annId });
    okIds(await sf.push(ctx, 'task', items('task', [{ ...t, done: true }], linked, { tk_1: id })));
    expect(s.get(id)).toMatchObject({ Status: 'Completed', IsClosed: true });
    okIds(await sf.push(ctx, 'task', items('task', [{ ...t, priority: 'low', notes: 'v3' }], linked, { tk_1: id })));
    expect(s.get(id)).toMatchObject({ Status: 'Not Started', IsClosed: false, Priority: 'Low' });
    expect(String(s.get(id)!.Description)).toMatch(/^v3\n\n\[rapport:tk_1\]$/);
    expect(s.all('Task')).toHaveLength(1);
  });

  it('a call is a Task with TaskSubtype Call, its duration in seconds and its outcome; a meeting is an Event from start to end', async () => {
    const s = await sim();
    const { ctx, linked, annId } = await withAnn(s);
    const call: Activity = {
      ...base,
      id: 'ac_call',
      type: 'call',
      subject: 'Call',
      occurredAt: T0,
      durationMinutes: 7,
      outcome: 'left-voicemail',
      direction: 'outgoing',
      contactIds: ['ct_ann'],
    };
    const meeting: Activity = {
      ...base,
      id: 'ac_meet',
      type: 'meeting',
      subject: 'Demo',
      occurredAt: '2026-01-06T13:00:00.000Z',
      durationMinutes: 45,
      body: 'Went well',
      participants: [{ name: 'Bo Berg', email: 'bo@acme.example' }],
      contactIds: ['ct_ann'],
    };
    const [callId] = okIds(await sf.push(ctx, 'call', items('call', [call], linked)));
    const [meetId] = okIds(await sf.push(ctx, 'meeting', items('meeting', [meeting], linked)));
    expect(s.get(callId)).toMatchObject({
      TaskSubtype: 'Call',
      Status: 'Completed',
      CallDurationInSeconds: 420,
      CallDisposition: 'left-voicemail',
      CallType: 'Outbound',
      WhoId: annId,
    });
    expect(meetId.startsWith('00U')).toBe(true);
    expect(s.get(meetId)).toMatchObject({ Subject: 'Demo', WhoId: annId });
    expect(Date.parse(String(s.get(meetId)!.EndDateTime)) - Date.parse(String(s.get(meetId)!.StartDateTime))).toBe(45 * 60_000);
    expect(String(s.get(meetId)!.Description)).toMatch(/Attendees: Bo Berg <bo@acme.example>[\s\S]*Went well/);
    // An edit rewrites the Event in place.
    okIds(await sf.push(ctx, 'meeting', items('meeting', [{ ...meeting, subject: 'Demo (rescheduled)' }], linked, { ac_meet: meetId })));
    expect(s.all('Event').map((e) => e.Subject)).toEqual(['Demo (rescheduled)']);
  });

  it('meetings whose answers are lost after the commit are found by their marker on retry: one Event each', async () => {
    const s = await sim();
    const { ctx, linked } = await withAnn(s);
    s.setFaults({ dropAfterCommitRatio: 0.5, errorRatio: 0.2, seed: 7 });
    const meetings: Activity[] = Array.from({ length: 6 }, (_, i) => ({
      ...base,
      id: `ac_m${i}`,
      type: 'meeting',
      subject: `Meeting ${i % 2}`,
      occurredAt: T0,
      durationMinutes: 30,
      contactIds: ['ct_ann'],
    }));
    let pending = items('meeting', meetings, linked);
    let failures = 0;
    for (let attempt = 0; pending.length && attempt < 40; attempt++) {
      try {
        const outs = await sf.push(ctx, 'meeting', pending);
        const done = new Set(outs.filter((o) => o.ok).map((o) => o.entryId));
        pending = items(
          'meeting',
          meetings.filter((m) => pending.some((p) => !done.has(p.entryId) && p.item.record.id === m.id)),
          linked,
        );
      } catch {
        failures++;
      }
    }
    s.setFaults({});
    expect(pending).toEqual([]);
    expect(failures).toBeGreaterThan(0);
    expect(s.all('Event')).toHaveLength(6);
  });

  it('deleting here removes the Task or Event; one already gone counts as deleted', async () => {
    const s = await sim();
    const { ctx, linked } = await withAnn(s);
    const t: Task = { ...base, id: 'tk_del', title: 'Gone soon', done: false, contactIds: ['ct_ann'] };
    const [taskId] = okIds(await sf.push(ctx, 'task', items('task', [t], linked)));
    const req = (remoteId: string, localId: string) => ({ remoteId, localId, changeId: `chg_${localId}`, requestedAt: T0 });
    expect(await sf.archive!(ctx, 'task', [req(taskId, 'tk_del')])).toEqual([{ remoteId: taskId, ok: true }]);
    expect(s.all('Task')).toHaveLength(0);
    expect(await sf.archive!(ctx, 'task', [req(taskId, 'tk_del')])).toEqual([{ remoteId: taskId, ok: true }]);
    expect(sf.archivable).toEqual(['contact', 'company', 'email', 'note', 'call', 'meeting', 'task', 'deal', 'case']);
    expect(s.requests.filter((l) => l.method === 'DELETE').map((l) => l.status)).toEqual([200, 200]);
  });
});

describe('Salesforce: pulling tasks', () => {
  it('brings Tasks of subtype Task about a person, then only what changed; logged e-mails and calls are not tasks', async () => {
    const s = await sim();
    const { ctx, linked, annId } = await withAnn(s);
    const mine: Task = { ...base, id: 'tk_mine', title: 'Made here', done: false, contactIds: ['ct_ann'] };
    okIds(await sf.push(ctx, 'task', items('task', [mine], linked)));
    const call: Activity = { ...base, id: 'ac_c', type: 'call', occurredAt: T0, contactIds: ['ct_ann'] };
    okIds(await sf.push(ctx, 'call', items('call', [call], linked)));
    const theirs = s.insert('Task', {
      Subject: 'Prepare renewal',
      Description: 'Budget first',
      ActivityDate: '2026-02-01',
      Status: 'Not Started',
      Priority: 'High',
      TaskSubtype: 'Task',
      WhoId: annId,
    });
    expect((await sf.pull!(ctx, undefined)).tasks).toBeUndefined();
    const first = await sf.pull!(ctx, undefined, { tasks: true });
    expect(first.tasks!.map((t) => t.title).sort()).toEqual(['Made here', 'Prepare renewal']);
    expect(first.tasks!.find((t) => t.remoteId === theirs.Id)).toMatchObject({
      notes: 'Budget first',
      dueAt: '2026-02-01T09:00:00.000Z',
      done: false,
      priority: 'high',
      contactRemoteIds: [annId],
    });
    expect(first.tasks!.find((t) => t.title === 'Made here')).toMatchObject({ localId: 'tk_mine' });
    expect(first.contacts.map((c) => c.remoteId)).toEqual([annId]);

    const quiet = await sf.pull!(ctx, first.cursor, { tasks: true });
    expect(quiet.tasks).toEqual([]);
    expect(quiet.contacts).toEqual([]);
    await new Promise((r) => setTimeout(r, 1100)); // LastModifiedDate has second precision here
    s.update(theirs.Id, { Status: 'Completed' });
    const next = await sf.pull!(ctx, quiet.cursor, { tasks: true });
    expect(next.tasks).toEqual([expect.objectContaining({ remoteId: theirs.Id, done: true })]);
    // A cursor from before tasks were pulled keeps the people's place.
    expect((await sf.pull!(ctx, first.cursor.split(' ')[0], { tasks: true })).contacts).toEqual([]);
  });
});
