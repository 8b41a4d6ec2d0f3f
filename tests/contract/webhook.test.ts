// Webhook connector against a real local HTTP receiver that verifies signatures (with our helper and,
// independently, with node:crypto), deduplicates by event id, and can be told to fail.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError, type ConnectorContext, type PushItem, type SyncKind } from '../../connectors/types';
import { eventFor, signBody, verifySignature, webhookConnector as wh, WebhookConfig, WEBHOOK_SCHEMA } from '../../connectors/webhook';
import type { Activity, Company, Contact, Task } from '../../storage/schema';
import { startWebhookReceiver, type WebhookReceiver } from '../sims/webhook-receiver';

const SECRET = 'whsec_0123456789abcdef-rapport';
const T0 = '2026-01-05T10:00:00.000Z';
const base = { createdAt: T0, updatedAt: T0, sources: [{ type: 'manual' as const, at: T0 }] };

type Receiver = WebhookReceiver;

let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function startReceiver(secret = SECRET): Promise<Receiver> {
  const r = await startWebhookReceiver(secret);
  receivers.push(r);
  return r;
}

function ctxFor(url: string, secret = SECRET, timeoutMs = 10_000): ConnectorContext<WebhookConfig> {
  const config = WebhookConfig.parse({ url, secret });
  return { config, fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }), fieldMapping: {} };
}

const ann: Contact = {
  ...base,
  id: 'ct_ann',
  name: 'Ann Lee',
  firstName: 'Ann',
  lastName: 'Lee',
  emails: ['ann.lee@acme.example'],
  phones: [],
  tags: ['vip'],
  companyId: 'co_acme',
  company: 'Acme',
};
const acme: Company = { ...base, id: 'co_acme', name: 'Acme', domain: 'acme.example', tags: [] };
const thread: Activity[] = [1, 2, 3].map((n) => ({
  ...base,
  id: `ac_m${n}`,
  type: 'email' as const,
  contactIds: ['ct_ann'],
  subject: n === 1 ? 'Pricing — “2026” ✓' : 'Re: Pricing — “2026” ✓',
  body: `message ${n}`,
  occurredAt: `2026-01-0${n + 4}T09:00:00.000Z`,
  direction: n % 2 ? ('outgoing' as const) : ('incoming' as const),
  threadId: 'th1',
}));
const followUp: Task = { ...base, id: 'tk_1', title: 'Send quote', done: false, dueAt: '2026-01-09T09:00:00.000Z', contactIds: ['ct_ann'] };

function items(kind: SyncKind, records: (Contact | Company | Activity | Task)[]): PushItem[] {
  return records.map((record, i) => ({
    entryId: `out_${kind}_${record.id}_${i}`,
    changeId: `chg_${kind}_${record.id}_${i}`,
    item: { kind, record } as PushItem['item'],
    linked: { contacts: {}, companies: {} },
  }));
}

async function errorOf(p: Promise<unknown>): Promise<ConnectorError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ConnectorError);
  return e as ConnectorError;
}

describe('signature helpers', () => {
  it('signBody matches node:crypto; verifySignature rejects tampering, wrong secrets and junk', async () => {
    const body = JSON.stringify({ hello: 'wörld' });
    const sig = await signBody(body, SECRET);
    expect(sig).toBe(`sha256=${createHmac('sha256', SECRET).update(body, 'utf8').digest('hex')}`);
    expect(await verifySignature(body, sig, SECRET)).toBe(true);
    expect(await verifySignature(new TextEncoder().encode(body), sig, SECRET)).toBe(true);
    expect(await verifySignature(body.replace('w', 'W'), sig, SECRET)).toBe(false);
    expect(await verifySignature(body, sig, `${SECRET}x`)).toBe(false);
    expect(await verifySignature(body, sig.toUpperCase().replace('SHA256', 'sha256'), SECRET)).toBe(true); // hex case
    expect(await verifySignature(body, `sha256=${'0'.repeat(64)}, ${sig}`, SECRET)).toBe(true); // rotation list
    for (const junk of [null, undefined, '', 'sha256=', 'sha1=abcd', `sha256=${'z'.repeat(64)}`, sig.slice(0, -2)]) {
      expect(await verifySignature(body, junk, SECRET)).toBe(false);
    }
  });

  it('events are pure: the same item gives the same bytes', () => {
    const [it1] = items('contact', [ann]);
    expect(JSON.stringify(eventFor(it1))).toBe(JSON.stringify(eventFor(it1)));
    expect(eventFor(it1)).toEqual({ schema: WEBHOOK_SCHEMA, id: it1.changeId, type: 'contact.upserted', occurredAt: T0, data: ann });
  });
});

describe('webhook connector against a verifying receiver', () => {
  it('one signed POST per event, with the documented envelope and headers', async () => {
    const r = await startReceiver();
    const ctx = ctxFor(r.url);
    const outs = [
      ...(await wh.push(ctx, 'company', items('company', [acme]))),
      ...(await wh.push(ctx, 'contact', items('contact', [ann]))),
      ...(await wh.push(ctx, 'email', items('email', thread))),
      ...(await wh.push(ctx, 'task', items('task', [followUp]))),
    ];
    expect(outs.every((o) => o.ok)).toBe(true);
    expect(outs.map((o) => (o.ok ? o.remoteId : ''))).toEqual(['co_acme', 'rcv-ct_ann', 'ac_m1', 'ac_m2', 'ac_m3', 'tk_1']);
    expect(r.attempts).toHaveLength(6);
    expect(r.attempts.every((a) => a.answered === 200)).toBe(true);
    expect(r.attempts.map((a) => a.event?.type)).toEqual([
      'company.upserted',
      'contact.upserted',
      'activity.logged',
      'activity.logged',
      'activity.logged',
      'task.created',
    ]);

    const mail = r.attempts[3];
    expect(mail.event).toEqual({
      schema: 'rapport.webhook/v1',
      id: 'chg_email_ac_m2_1',
      type: 'activity.logged',
      occurredAt: '2026-01-06T09:00:00.000Z',
      data: thread[1],
    });
    expect(mail.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(mail.headers['x-rapport-event-id']).toBe('chg_email_ac_m2_1');
    expect(mail.headers['x-rapport-event-type']).toBe('activity.logged');
    expect(Number(mail.headers['x-rapport-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(mail.headers['x-rapport-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(mail.raw).digest('hex')}`);
    expect(mail.raw.toString('utf8')).toContain('“2026” ✓'); // UTF-8 body, signed as bytes
  });

  it('a tampered body (or a wrong secret) is rejected by the receiver; a wrong secret is an auth error', async () => {
    const r = await startReceiver();
    const ctx = ctxFor(r.url);
    await wh.push(ctx, 'contact', items('contact', [ann]));
    const good = r.attempts[0];
    // Replay the captured request with one byte changed.
    const tampered = Buffer.from(good.raw.toString('utf8').replace('Ann Lee', 'Ann Lea'));
    const res = await fetch(r.url, {
      method: 'POST',
      body: new Uint8Array(tampered),
      headers: { 'Content-Type': 'application/json', 'X-Rapport-Signature': String(good.headers['x-rapport-signature']) },
    });
    expect(res.status).toBe(401);
    expect(await verifySignature(new Uint8Array(tampered), String(good.headers['x-rapport-signature']), SECRET)).toBe(false);

    const e = await errorOf(wh.push(ctxFor(r.url, 'another-secret-of-16+chars'), 'contact', items('contact', [ann])));
    expect([e.kind, e.status]).toEqual(['auth', 401]);
    expect(r.events.size).toBe(1);
  });

  it('500 → transient, retried with the same id and bytes; the receiver keeps the event once', async () => {
    const r = await startReceiver();
    const ctx = ctxFor(r.url);
    const batch = items('contact', [ann]);
    // 1st attempt: the receiver stores the event, then fails (500). 2nd: plain 503. 3rd: accepted (duplicate).
    r.script.push({ status: 500, commit: true }, { status: 503, headers: { 'Retry-After': '2' } });
    const e1 = await errorOf(wh.push(ctx, 'contact', batch));
    expect([e1.kind, e1.status]).toEqual(['transient', 500]);
    const e2 = await errorOf(wh.push(ctx, 'contact', batch));
    expect([e2.kind, e2.status, e2.retryAfterMs]).toEqual(['transient', 503, 2000]);
    const [ok] = await wh.push(ctx, 'contact', batch);
    expect(ok.ok).toBe(true);
    expect(r.attempts).toHaveLength(3);
    expect(new Set(r.attempts.map((a) => a.headers['x-rapport-event-id']))).toEqual(new Set([batch[0].changeId]));
    expect(new Set(r.attempts.map((a) => a.raw.toString('base64'))).size).toBe(1);
    expect(new Set(r.attempts.map((a) => a.headers['x-rapport-signature'])).size).toBe(1);
    expect([...r.events.keys()]).toEqual([batch[0].changeId]);
    expect(r.attempts[2].answered).toBe(200);
  });

  it('429 → rate-limit with Retry-After; 408 → transient; 400 → that event fails, the others go on', async () => {
    const r = await startReceiver();
    const ctx = ctxFor(r.url);
    r.script.push({ status: 429, headers: { 'Retry-After': '7' } });
    const rl = await errorOf(wh.push(ctx, 'email', items('email', thread)));
    expect([rl.kind, rl.status, rl.retryAfterMs]).toEqual(['rate-limit', 429, 7000]);
    expect(r.attempts).toHaveLength(1); // the rest of the batch was not sent into the limit

    r.script.push({ status: 408 });
    expect((await errorOf(wh.push(ctx, 'email', items('email', thread)))).kind).toBe('transient');

    r.attempts.length = 0;
    r.script.push({ status: 200 }, { status: 422, body: '{"error":"subject too long"}' });
    const outs = await wh.push(ctx, 'email', items('email', thread));
    expect(outs.map((o) => o.ok)).toEqual([true, false, true]);
    if (!outs[1].ok) {
      expect([outs[1].error.kind, outs[1].error.status]).toEqual(['validation', 422]);
      expect(outs[1].error.message).toContain('subject too long');
    }
    expect(r.attempts).toHaveLength(3);

    // A failure that would hit every event, in the middle of a batch: delivered ones stay ok, the rest wait.
    r.attempts.length = 0;
    r.script.push({ status: 200 }, { status: 502 });
    const mid = await wh.push(ctx, 'email', items('email', thread));
    expect(mid.map((o) => (o.ok ? 'ok' : o.error.kind))).toEqual(['ok', 'transient', 'transient']);
    expect(r.attempts).toHaveLength(2);
  });

  it('archive: one signed contact.archived / company.archived event per record; retried with the same id; 404 is done', async () => {
    const r = await startReceiver();
    const ctx = ctxFor(r.url);
    const ask = (remoteId: string, localId: string, changeId: string) => ({ remoteId, localId, changeId, requestedAt: T0 });
    // Stored, then 503 (the answer lost in effect); then accepted as a duplicate of the same event.
    r.script.push({ status: 503, commit: true });
    const first = ask('rcv-ct_ann', 'ct_ann', 'chg_archive_1');
    expect((await errorOf(wh.archive!(ctx, 'contact', [first]))).kind).toBe('transient');
    expect(await wh.archive!(ctx, 'contact', [first])).toEqual([{ remoteId: 'rcv-ct_ann', ok: true }]);
    expect(r.attempts).toHaveLength(2);
    expect(new Set(r.attempts.map((a) => a.raw.toString('base64'))).size).toBe(1); // the same bytes, the same id
    expect([...r.events.values()]).toEqual([
      {
        schema: WEBHOOK_SCHEMA,
        id: 'chg_archive_1',
        type: 'contact.archived',
        occurredAt: T0,
        data: { id: 'ct_ann', remoteId: 'rcv-ct_ann' },
      },
    ]);
    expect(r.attempts[1].headers['x-rapport-event-type']).toBe('contact.archived');

    // 429 waits for the engine; a receiver that no longer has the record (404, 410) has it archived; 422 is refused.
    r.script.push({ status: 429, headers: { 'Retry-After': '3' } });
    const companies = [ask('co_acme', 'co_acme', 'chg_a2'), ask('co_gone', 'co_gone', 'chg_a3'), ask('co_bad', 'co_bad', 'chg_a4')];
    expect(await errorOf(wh.archive!(ctx, 'company', companies))).toMatchObject({ kind: 'rate-limit', retryAfterMs: 3000 });
    r.script.push({ status: 200 }, { status: 404 }, { status: 422, body: '{"error":"locked"}' });
    const outs = await wh.archive!(ctx, 'company', companies);
    expect(outs.map((o) => [o.remoteId, o.ok])).toEqual([
      ['co_acme', true],
      ['co_gone', true],
      ['co_bad', false],
    ]);
    expect(r.attempts.slice(-3).map((a) => a.event?.type)).toEqual(['company.archived', 'company.archived', 'company.archived']);
  });

  it('redirects are not followed (validation); a hung receiver times out (transient)', async () => {
    const r = await startReceiver();
    r.script.push({ status: 308, headers: { Location: 'https://elsewhere.example/hook' } });
    const redirect = await errorOf(wh.push(ctxFor(r.url), 'contact', items('contact', [ann])));
    expect(redirect.kind).toBe('validation');
    expect(redirect.message).toContain('elsewhere.example');

    r.script.push('hang');
    const started = Date.now();
    const hang = await errorOf(wh.push(ctxFor(r.url, SECRET, 800), 'contact', items('contact', [ann])));
    expect(hang.kind).toBe('transient');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('testConnection sends a signed ping; an unreachable URL is transient', async () => {
    const r = await startReceiver();
    expect(await wh.testConnection(ctxFor(r.url))).toEqual({ account: new URL(r.url).host });
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0].event).toMatchObject({ schema: WEBHOOK_SCHEMA, type: 'ping', data: { message: 'Rapport webhook test' } });
    expect(r.attempts[0].event?.id).toMatch(/^ping_[0-9a-f]{16}$/);
    const dead = `http://127.0.0.1:${new URL(r.url).port}/`;
    await r.close();
    receivers = [];
    expect((await errorOf(wh.testConnection(ctxFor(dead)))).kind).toBe('transient');
  });

  it('config: secret of at least 16 characters; origins; pipeline items are taken, pull is not', () => {
    expect(WebhookConfig.safeParse({ url: 'https://hooks.example/x', secret: 'short' }).success).toBe(false);
    expect(WebhookConfig.safeParse({ url: 'ftp://hooks.example/x', secret: SECRET }).success).toBe(false);
    expect(wh.origins(WebhookConfig.parse({ url: 'https://hooks.zapier.com/hooks/catch/1/abc/', secret: SECRET }))).toEqual([
      'https://hooks.zapier.com/*',
    ]);
    expect([wh.capabilities.deals, wh.capabilities.cases, wh.capabilities.candidates]).toEqual([true, true, true]);
    expect(wh.capabilities.pull).toBe(false);
  });
});

describe('webhook: tasks, calls and meetings (decision 0052)', () => {
  const at = (m: number) => new Date(Date.parse(T0) + m * 60_000).toISOString();
  let seq = 0;
  /** One change of a task as the engine hands it over: a new change id, the remote id once delivered. */
  const change = (record: Task, delivered: boolean): PushItem => ({
    entryId: `out_task_${record.id}_${++seq}`,
    changeId: `chg_task_${record.id}_${seq}`,
    item: { kind: 'task', record },
    ...(delivered ? { remoteId: record.id } : {}),
    linked: { contacts: {}, companies: {} },
  });

  it('a task’s life: created, edited, completed, reopened, deleted — one event each, each with its own id', async () => {
    const r = await startReceiver();
    const ctx = ctxFor(r.url);
    const created = { ...followUp, priority: 'high' as const, remindBefore: 15 };
    const edited = { ...created, title: 'Send the revised quote', dueAt: at(60 * 24), updatedAt: at(1) };
    const done = { ...edited, done: true, completedAt: at(2), updatedAt: at(2) };
    const reopened = { ...edited, updatedAt: at(3) };
    const steps = [change(created, false), change(edited, true), change(done, true), change(reopened, true)];
    for (const step of steps) expect((await wh.push(ctx, 'task', [step]))[0]).toMatchObject({ ok: true, remoteId: followUp.id });
    const deleted = await wh.archive!(ctx, 'task', [
      { remoteId: followUp.id, localId: followUp.id, changeId: 'chg_del_1', requestedAt: at(4) },
    ]);
    expect(deleted).toEqual([{ remoteId: followUp.id, ok: true }]);

    const events = r.attempts.map((a) => a.event!);
    expect(events.map((e) => e.type)).toEqual(['task.created', 'task.updated', 'task.completed', 'task.updated', 'task.deleted']);
    expect(new Set(events.map((e) => e.id)).size).toBe(5);
    expect(events.map((e) => e.id)).toEqual([...steps.map((s) => s.changeId), 'chg_del_1']);
    expect(events[0].data).toMatchObject({ id: 'tk_1', title: 'Send quote', priority: 'high', remindBefore: 15, done: false });
    expect(events[2]).toMatchObject({ occurredAt: at(2), data: { done: true, completedAt: at(2) } });
    expect(events[3].data).not.toHaveProperty('completedAt');
    expect(events[4]).toMatchObject({ occurredAt: at(4), data: { id: 'tk_1' } });
    expect(r.events.size).toBe(5);
  });

  it('an edit of a done task is task.updated, not a second task.completed', () => {
    const done = { ...followUp, done: true, completedAt: at(2), updatedAt: at(2) };
    expect(eventFor(change(done, true)).type).toBe('task.completed');
    expect(eventFor(change({ ...done, notes: 'sent by post', updatedAt: at(5) }, true)).type).toBe('task.updated');
  });

  it('calls and meetings are call.logged / meeting.logged; an un-logged e-mail is activity.deleted; a retry is the same event', async () => {
    const r = await startReceiver();
    const ctx = ctxFor(r.url);
    const call: Activity = {
      ...base,
      id: 'ac_call',
      type: 'call',
      contactIds: ['ct_ann'],
      subject: 'Call',
      occurredAt: at(30),
      durationMinutes: 12,
      outcome: 'connected',
    };
    const meeting: Activity = {
      ...base,
      id: 'ac_meet',
      type: 'meeting',
      contactIds: ['ct_ann'],
      subject: 'Demo',
      occurredAt: at(90),
      durationMinutes: 45,
      participants: [{ name: 'Bo', email: 'bo@acme.example' }],
    };
    expect((await wh.push(ctx, 'call', items('call', [call])))[0].ok).toBe(true);
    expect((await wh.push(ctx, 'meeting', items('meeting', [meeting])))[0].ok).toBe(true);
    r.script.push({ status: 503, commit: true });
    const del = [{ remoteId: 'ac_m1', localId: 'ac_m1', changeId: 'chg_unlog', requestedAt: at(100) }];
    expect((await errorOf(wh.archive!(ctx, 'email', del))).kind).toBe('transient');
    expect(await wh.archive!(ctx, 'email', del)).toEqual([{ remoteId: 'ac_m1', ok: true }]);
    const events = r.attempts.map((a) => a.event!);
    expect(events.map((e) => e.type)).toEqual(['call.logged', 'meeting.logged', 'activity.deleted', 'activity.deleted']);
    expect(events[0]).toMatchObject({ occurredAt: at(30), data: { type: 'call', durationMinutes: 12, outcome: 'connected' } });
    expect(events[1].data).toMatchObject({ type: 'meeting', durationMinutes: 45, participants: [{ name: 'Bo' }] });
    expect(events[2].data).toEqual({ id: 'ac_m1', type: 'email' });
    // The retry of the deletion: the same id and bytes; the receiver keeps it once.
    expect(r.attempts[3].raw.equals(r.attempts[2].raw)).toBe(true);
    expect([...r.events.values()].filter((e) => e.type === 'activity.deleted')).toHaveLength(1);
    expect(wh.archivable).toEqual(['contact', 'company', 'email', 'note', 'call', 'meeting', 'task', 'deal', 'case', 'candidate']);
    expect(wh.capabilities).toMatchObject({ tasks: true, calls: true, meetings: true });
  });
});
