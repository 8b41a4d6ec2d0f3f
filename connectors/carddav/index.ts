// CardDAV connector (RFC 6352 address books, vCard 4.0 per RFC 6350): Nextcloud, iCloud, Fastmail, Radicale…
//
// - Auth: HTTP Basic (username + password / app password) on every request.
// - Discovery: the configured URL if it is an address book; else current-user-principal (from the URL,
//   /.well-known/carddav or /) → addressbook-home-set → first address book; none → MKCOL "rapport/".
// - Push (contacts only, one card per request): the card's resource is `<book>/<uuid>.vcf`, uuid = UUIDv5
//   of the local contact id, so a retry finds the card it may already have written. Before creating, an
//   addressbook-query looks for a card already holding one of the contact's e-mails (someone's phone may
//   have it) so Rapport fills that card rather than adding a duplicate. Create = PUT + If-None-Match: *;
//   update = GET, three-way merge (vcard.ts), PUT + If-Match: <etag>; on 412 the card is read, merged and
//   written once more; a second 412 is a 'conflict' error.
// - Pull: REPORT sync-collection (RFC 6578) with the stored sync-token, then addressbook-multiget of the
//   changed cards (100 per call); an invalid token restarts from empty; servers without sync-collection
//   fall back to PROPFIND getetag and a diff against the etags kept in the cursor. Deletions on the server
//   are not reported (PullResult has no place for them).
// - Limits: no vendor limit; 10 requests / s keeps shared hosting (Nextcloud on a small box) comfortable.
import { z } from 'zod';
import { parseVcardText } from '../../importers/vcard';
import type { Contact } from '../../storage/schema';
import {
  ConnectorError,
  type Connector,
  type ConnectorContext,
  type PullResult,
  type PushItem,
  type PushOutcome,
  type SyncKind,
} from '../types';
import { DavClient, discoverAddressBook, prop, withSlash, type AddressBook, type DavResponse } from './dav';
import { contactUuid, fieldsFromContact, fieldsFromProps, mergeFields, parseCardProps, readBase, writeCard } from './vcard';
import { CARDDAV_NS, DAV_NS, escapeXml, textOf } from './xml';

export const CardDavConfig = z.object({
  url: z.url({ protocol: /^https?$/ }).describe('Server or address book URL, e.g. https://cloud.example.com/remote.php/dav'),
  username: z.string().min(1).max(500),
  password: z.string().min(1).max(2000).describe('Password or app password'),
});
export type CardDavConfig = z.infer<typeof CardDavConfig>;

const VCARD_TYPE = 'text/vcard; charset=utf-8';
const MULTIGET_CHUNK = 100;

// Discovery answers per account, kept while the worker lives (re-discovered after a restart or on 404).
const books = new Map<string, Promise<AddressBook>>();

function bookKey(c: CardDavConfig): string {
  return `${c.url}\n${c.username}`;
}

async function addressBook(dav: DavClient, config: CardDavConfig): Promise<AddressBook> {
  const key = bookKey(config);
  let p = books.get(key);
  if (!p) {
    p = discoverAddressBook(dav);
    books.set(key, p);
    p.catch(() => books.delete(key));
  }
  return p;
}

/** Forgets cached discovery results (tests; or after the user edits the connection). */
export function resetDiscoveryCache(): void {
  books.clear();
}

function client(ctx: ConnectorContext<CardDavConfig>): DavClient {
  return new DavClient(ctx.fetch, ctx.config);
}

function isFatal(e: unknown): boolean {
  return !(e instanceof ConnectorError) || e.kind === 'auth' || e.kind === 'rate-limit' || e.kind === 'transient';
}

/** An existing card holding one of these e-mails (addressbook-query, RFC 6352 §8.6), if the server tells. */
async function findByEmail(dav: DavClient, book: string, emails: string[], preferred: string): Promise<string | undefined> {
  if (!emails.length) return undefined;
  const filters = emails
    .slice(0, 10)
    .map(
      (e) =>
        `<card:prop-filter name="EMAIL"><card:text-match collation="i;unicode-casemap" match-type="equals">${escapeXml(e)}</card:text-match></card:prop-filter>`,
    )
    .join('');
  const body =
    `<?xml version="1.0" encoding="utf-8"?><card:addressbook-query xmlns:d="DAV:" xmlns:card="${CARDDAV_NS}">` +
    `<d:prop><d:getetag/></d:prop><card:filter test="anyof">${filters}</card:filter></card:addressbook-query>`;
  try {
    const ms = await dav.multistatus('REPORT', book, body, '1');
    const hits = ms.responses.filter((r) => (r.status ?? 200) < 300 && withSlash(r.url) !== withSlash(book)).map((r) => r.url);
    return hits.find((u) => u === preferred) ?? hits[0]; // our own card first, if it is among them
  } catch (e) {
    if (isFatal(e)) throw e;
    return undefined; // the server cannot filter: the UID-named resource still keeps retries idempotent
  }
}

async function putCard(dav: DavClient, url: string, text: string, precondition: Record<string, string>): Promise<Response> {
  const res = await dav.request('PUT', url, { body: text, headers: { 'Content-Type': VCARD_TYPE, ...precondition } });
  if (res.status !== 412 && (res.status < 200 || res.status > 299)) await dav.fail(res, `CardDAV PUT ${new URL(url).pathname}`);
  await res.arrayBuffer().catch(() => undefined);
  return res;
}

async function pushContact(dav: DavClient, book: AddressBook, contact: Contact, remoteId: string | undefined): Promise<string> {
  const local = fieldsFromContact(contact);
  const uuid = await contactUuid(contact.id);
  const uid = `urn:uuid:${uuid}`;
  const target = new URL(`${uuid}.vcf`, book.url).href;
  let href = remoteId ?? (await findByEmail(dav, book.url, contact.emails, target));
  if (!href) {
    const res = await putCard(dav, target, writeCard(local, { uid }).text, { 'If-None-Match': '*' });
    if (res.status !== 412) return target;
    href = target; // an earlier attempt already wrote it: update it like any other card
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    const got = await dav.request('GET', href, { headers: { Accept: 'text/vcard' } });
    if (got.status < 200 || got.status > 299) await dav.fail(got, `CardDAV GET ${new URL(href).pathname}`);
    const etag = got.headers.get('ETag');
    const remoteProps = parseCardProps(await got.text());
    const merged = mergeFields(local, fieldsFromProps(remoteProps), readBase(remoteProps));
    const { text, changed } = writeCard(merged, { uid, remote: remoteProps });
    if (!changed) return href;
    const res = await putCard(dav, href, text, etag ? { 'If-Match': etag } : {});
    if (res.status !== 412) return href;
  }
  throw new ConnectorError(`CardDAV: ${new URL(href).pathname} kept changing on the server (412 twice)`, 'conflict', 412);
}

// ---------------------------------------------------------------------------------------------------
// Pull

interface Cursor {
  /** sync-collection token ('' = none yet) */
  t?: string;
  /** fallback without sync-collection: href → etag seen last time */
  e?: Record<string, string>;
  /** hrefs still to fetch before the cursor's token/etags are complete */
  p?: string[];
}

function readCursor(s: string | undefined): Cursor {
  if (!s) return {};
  try {
    const c = JSON.parse(s) as Cursor;
    return c && typeof c === 'object' ? c : {};
  } catch {
    return {};
  }
}

function isCard(r: DavResponse, book: string): boolean {
  return withSlash(r.url) !== withSlash(book) && !new URL(r.url).pathname.endsWith('/');
}

async function syncCollection(dav: DavClient, book: string, token: string): Promise<{ token: string; changed: string[] } | 'unsupported'> {
  const body = (t: string) =>
    `<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${escapeXml(t)}</d:sync-token>` +
    `<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
  let ms;
  try {
    ms = await dav.multistatus('REPORT', book, body(token), '0');
  } catch (e) {
    if (!(e instanceof ConnectorError) || !e.status) throw e;
    if (token && /valid-sync-token/.test(e.message)) return syncCollection(dav, book, ''); // token expired: start over
    // RFC 3253 §3.6: an unsupported report is 403 + DAV:supported-report; some servers say 400/405/415/501.
    if (/supported-report/.test(e.message) || [400, 405, 415, 501].includes(e.status)) return 'unsupported';
    throw e;
  }
  const changed = ms.responses
    .filter((r) => isCard(r, book) && (r.status ?? 200) < 300 && r.propstats.some((p) => p.status < 300))
    .map((r) => r.url);
  return { token: ms.syncToken ?? token, changed };
}

async function multiget(dav: DavClient, book: string, hrefs: string[]): Promise<PullResult['contacts']> {
  const body =
    `<?xml version="1.0" encoding="utf-8"?><card:addressbook-multiget xmlns:d="DAV:" xmlns:card="${CARDDAV_NS}">` +
    `<d:prop><d:getetag/><card:address-data/></d:prop>` +
    hrefs.map((h) => `<d:href>${escapeXml(new URL(h).pathname)}</d:href>`).join('') +
    `</card:addressbook-multiget>`;
  const ms = await dav.multistatus('REPORT', book, body, '0');
  const out: PullResult['contacts'] = [];
  for (const r of ms.responses) {
    const data = textOf(prop(r, CARDDAV_NS, 'address-data'));
    if (!data.trim()) continue;
    const row = parseVcardText(data).rows[0];
    if (!row) continue;
    const { companyDomain: _domain, ...contact } = row.contact;
    out.push({ remoteId: r.url, contact });
  }
  return out;
}

async function pullContacts(dav: DavClient, book: string, cursorText: string | undefined): Promise<PullResult> {
  const cursor = readCursor(cursorText);
  let pending = cursor.p ?? [];
  const next: Cursor = { t: cursor.t, e: cursor.e };
  if (!pending.length) {
    const sync = cursor.e ? 'unsupported' : await syncCollection(dav, book, cursor.t ?? '');
    if (sync === 'unsupported') {
      const ms = await dav.propfind(book, '<d:getetag/>', '1');
      const etags: Record<string, string> = {};
      for (const r of ms.responses) {
        if (!isCard(r, book)) continue;
        etags[r.url] = textOf(prop(r, DAV_NS, 'getetag')).trim();
      }
      pending = Object.keys(etags).filter((u) => cursor.e?.[u] !== etags[u]);
      next.e = etags;
      delete next.t;
    } else {
      pending = sync.changed;
      next.t = sync.token;
    }
  }
  const now = pending.slice(0, MULTIGET_CHUNK);
  const rest = pending.slice(MULTIGET_CHUNK);
  const contacts = now.length ? await multiget(dav, book, now) : [];
  if (rest.length) next.p = rest;
  return { contacts, cursor: JSON.stringify(next), more: rest.length > 0 };
}

// ---------------------------------------------------------------------------------------------------

export const carddavConnector: Connector<CardDavConfig> = {
  id: 'carddav',
  displayName: 'CardDAV address book',
  // No `archive`: DELETE of the vCard resource is not an archive (decision 0048).
  noArchive:
    'an address book has no archive or trash, and deleting the card there would erase it for good; delete it there by hand if it should go',
  authKind: 'basic',
  configSchema: CardDavConfig,
  secretKeys: ['password'],
  origins: (config) => [`${new URL(config.url).origin}/*`],
  capabilities: {
    contacts: true,
    companies: false,
    emailLogging: false,
    notes: false,
    tasks: false,
    calls: false,
    meetings: false,
    deals: false,
    cases: false,
    candidates: false,
    pull: true,
  },
  batchSize: { contact: 1 },
  rateLimit: { requests: 10, intervalMs: 1000 },
  defaultFieldMapping: {},

  async testConnection(ctx) {
    const dav = client(ctx);
    books.delete(bookKey(ctx.config));
    const book = await addressBook(dav, ctx.config);
    const path = decodeURIComponent(new URL(book.url).pathname);
    return { account: `${ctx.config.username} — ${book.displayName ? `${book.displayName} (${path})` : path}` };
  },

  async push(ctx, kind: SyncKind, items: PushItem[]): Promise<PushOutcome[]> {
    const dav = client(ctx);
    const book = await addressBook(dav, ctx.config);
    const out: PushOutcome[] = [];
    for (const it of items) {
      if (kind !== 'contact' || it.item.kind !== 'contact') {
        out.push({ entryId: it.entryId, ok: false, error: new ConnectorError(`CardDAV stores contacts only, not ${kind}`, 'validation') });
        continue;
      }
      try {
        out.push({ entryId: it.entryId, ok: true, remoteId: await pushContact(dav, book, it.item.record, it.remoteId) });
      } catch (e) {
        if (e instanceof ConnectorError && e.kind === 'not-found' && !it.remoteId) books.delete(bookKey(ctx.config));
        if (isFatal(e)) throw e;
        out.push({ entryId: it.entryId, ok: false, error: e as ConnectorError });
      }
    }
    return out;
  },

  async pull(ctx, cursor) {
    const dav = client(ctx);
    const book = await addressBook(dav, ctx.config);
    return pullContacts(dav, book.url, cursor);
  },
};

export default carddavConnector;
