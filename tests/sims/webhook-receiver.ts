// A webhook receiver as SCHEMA.md asks one to be (tests only; never bundled): a local HTTP server
// that verifies each signature (with Rapport's helper and, independently, with node:crypto),
// de-duplicates events by id, and can be scripted to fail, to store an event and then fail, or to
// hang. Shared by the webhook contract test and the engine tests.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifySignature, type WebhookEvent } from '../../connectors/webhook';

/** A forced answer: status (after storing the event when `commit`), or a request left hanging. */
export type ReceiverMode = { status: number; headers?: Record<string, string>; commit?: boolean; body?: string } | 'hang';

export interface Received {
  headers: IncomingMessage['headers'];
  raw: Buffer;
  event?: WebhookEvent;
  answered: number;
}

export interface WebhookReceiver {
  url: string;
  attempts: Received[];
  /** Deduplicated, accepted events by id. */
  events: Map<string, WebhookEvent>;
  /** Queue of forced answers for the next requests. */
  script: ReceiverMode[];
  /** Runs when a signed event arrives, before it is answered (e.g. to change the record meanwhile). */
  onEvent?: (event: WebhookEvent) => Promise<void> | void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const attempts: Received[] = [];
  const events = new Map<string, WebhookEvent>();
  const script: ReceiverMode[] = [];
  const sockets = new Set<Socket>();
  const hung: ServerResponse[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const rec: Received = { headers: req.headers, raw, answered: 0 };
    attempts.push(rec);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      rec.answered = status;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method !== 'POST') return answer(405, { error: 'POST only' });
    const header = req.headers['x-rapport-signature'];
    const sig = Array.isArray(header) ? header[0] : header;
    // Our helper and a plain node:crypto HMAC must agree.
    const ours = await verifySignature(new Uint8Array(raw), sig, secret);
    const theirs = sig === `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    if (ours !== theirs) return answer(500, { error: 'verifiers disagree' });
    if (!ours) return answer(401, { error: 'bad signature' });
    const event = JSON.parse(raw.toString('utf8')) as WebhookEvent;
    rec.event = event;
    await receiver.onEvent?.(event);
    const mode = script.shift();
    if (mode === 'hang') {
      hung.push(res);
      return;
    }
    if (mode?.commit && !events.has(event.id)) events.set(event.id, event);
    if (mode) return answer(mode.status, mode.body ?? { error: 'scripted' }, mode.headers);
    const duplicate = events.has(event.id);
    if (!duplicate) events.set(event.id, event);
    answer(200, { ok: true, duplicate, ...(event.type === 'contact.upserted' ? { id: `rcv-${(event.data as { id: string }).id}` } : {}) });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/rapport`;
  const receiver: WebhookReceiver = {
    url,
    attempts,
    events,
    script,
    async close() {
      for (const h of hung) h.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
  return receiver;
}
