// vCard writing and merging for the CardDAV connector.
//
// Why not ical.js for writing: we edit cards other clients own, so the card is handled as a list of
// property lines and only the properties Rapport manages are touched (PHOTO, ADR, X-… and every other
// property keep their bytes and order). ical.js would re-serialize the whole card, and its folder lets
// continuation lines reach 76 octets. Reading a card into a Contact stays with importers/vcard.ts. Text
// escaping and line folding come from importers/vcard-text.ts, shared with the importer.
//
// Written per RFC 6350: CRLF line ends; lines folded at 75 octets (continuation lines count their leading
// space), never inside a UTF-8 sequence; text values escape `\` `,` `;` and newlines.
//
// Merge rule (docs/architecture.md, principle 6: "the CRM is the system of record for what it owns"): the address book
// owns the card. For each single-valued field (FN, N, ORG, TITLE, URL=LinkedIn, NOTE) we remember, inside
// the card itself, a hash of the value Rapport last wrote (X-RAPPORT-BASE). On the next write:
//   - remote empty → the local value fills it (unless it is exactly what Rapport last wrote: then someone
//     cleared it on the server on purpose, and it stays cleared);
//   - local empty, or both equal → the remote value stays;
//   - remote still equals what Rapport last wrote → nobody else touched it, the local change goes in;
//   - otherwise (someone edited it on the server, or the card never came from Rapport) → the remote value
//     wins; overwriting it needs the user's say-so, which the connector cannot ask for.
// Multi-valued fields (EMAIL, TEL, CATEGORIES) are unions: local values the card lacks are added, nothing is
// removed (so a value deleted on the server comes back if Rapport still has it: no per-value base is kept).
import type { Contact } from '../../storage/schema';
import { normalizeLinkedinUrl } from '../../storage/normalize';
import { escapeText, foldLine, splitEscaped, unescapeText } from '../../importers/vcard-text';
import { emailKey } from '../http';

export interface VcardProp {
  /** "item1" in "item1.EMAIL", if any. */
  group?: string;
  /** Upper-cased property name. */
  name: string;
  /** Raw parameter text including the leading ';' ('' when none). */
  params: string;
  /** Raw (escaped) value. */
  value: string;
}

export const PRODID = '-//Rapport//Rapport CRM sidebar//EN';
export const BASE_PROP = 'X-RAPPORT-BASE';

// ---------------------------------------------------------------------------------------------------
// Reading a card into property lines

/** Unfolds a single card's text into property lines (BEGIN/END excluded). */
export function parseCardProps(text: string): VcardProp[] {
  const physical = text.replace(/\r\n|\r/g, '\n').split('\n');
  const logical: string[] = [];
  for (const line of physical) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && logical.length) logical[logical.length - 1] += line.slice(1);
    else if (line.trim()) logical.push(line);
  }
  const props: VcardProp[] = [];
  let depth = 0;
  for (const line of logical) {
    const p = parsePropLine(line);
    if (!p) continue;
    if (p.name === 'BEGIN' && p.value.trim().toUpperCase() === 'VCARD') {
      depth++;
      if (depth === 1) continue;
    }
    if (p.name === 'END' && p.value.trim().toUpperCase() === 'VCARD') {
      depth--;
      if (depth === 0) break;
    }
    if (depth >= 1) props.push(p);
  }
  return props;
}

function parsePropLine(line: string): VcardProp | null {
  let i = 0;
  let quote = false;
  let nameEnd = -1;
  for (; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quote = !quote;
    else if (!quote && c === ';' && nameEnd < 0) nameEnd = i;
    else if (!quote && c === ':') break;
  }
  if (i >= line.length) return null;
  const head = nameEnd >= 0 ? line.slice(0, nameEnd) : line.slice(0, i);
  const params = nameEnd >= 0 ? line.slice(nameEnd, i) : '';
  const dot = head.lastIndexOf('.');
  const group = dot >= 0 ? head.slice(0, dot) : undefined;
  const name = (dot >= 0 ? head.slice(dot + 1) : head).trim().toUpperCase();
  if (!/^[A-Z0-9-]+$/.test(name)) return null;
  return { group, name, params, value: line.slice(i + 1) };
}

export function serializeProps(props: VcardProp[]): string {
  const lines = ['BEGIN:VCARD'];
  for (const p of props) lines.push(foldLine(`${p.group ? `${p.group}.` : ''}${p.name}${p.params}:${p.value}`));
  lines.push('END:VCARD');
  return lines.join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------------------------------------------
// The fields Rapport manages

export interface CardFields {
  fn?: string;
  /** family;given (other N components are kept from the remote card) */
  n?: { family: string; given: string };
  emails: string[];
  tels: string[];
  org?: string;
  title?: string;
  linkedin?: string;
  note?: string;
  categories: string[];
}

const SCALARS = ['fn', 'n', 'org', 'title', 'linkedin', 'note'] as const;
type ScalarKey = (typeof SCALARS)[number];

export function fieldsFromContact(c: Contact): CardFields {
  const f: CardFields = { emails: [...c.emails], tels: [...c.phones], categories: [...c.tags] };
  if (c.name.trim()) f.fn = c.name.trim();
  if (c.firstName || c.lastName) f.n = { family: c.lastName ?? '', given: c.firstName ?? '' };
  if (c.company) f.org = c.company;
  if (c.title) f.title = c.title;
  if (c.linkedinUrl) f.linkedin = c.linkedinUrl;
  if (c.headline) f.note = c.headline;
  if (!f.fn) f.fn = [c.firstName, c.lastName].filter(Boolean).join(' ') || c.emails[0] || 'Unnamed';
  return f;
}

function stripScheme(v: string, scheme: string): string {
  return v.toLowerCase().startsWith(`${scheme}:`) ? v.slice(scheme.length + 1) : v;
}

export function fieldsFromProps(props: VcardProp[]): CardFields {
  const f: CardFields = { emails: [], tels: [], categories: [] };
  for (const p of props) {
    switch (p.name) {
      case 'FN':
        f.fn ??= unescapeText(p.value).trim() || undefined;
        break;
      case 'N':
        if (!f.n) {
          const [family = '', given = ''] = splitEscaped(p.value, ';').map((x) => unescapeText(x).trim());
          if (family || given) f.n = { family, given };
        }
        break;
      case 'EMAIL': {
        const v = stripScheme(unescapeText(p.value).trim(), 'mailto');
        if (v) f.emails.push(v);
        break;
      }
      case 'TEL': {
        const v = stripScheme(unescapeText(p.value).trim(), 'tel');
        if (v) f.tels.push(v);
        break;
      }
      case 'ORG':
        f.org ??= unescapeText(splitEscaped(p.value, ';')[0] ?? '').trim() || undefined;
        break;
      case 'TITLE':
        f.title ??= unescapeText(p.value).trim() || undefined;
        break;
      case 'URL':
        if (!f.linkedin && normalizeLinkedinUrl(p.value)) f.linkedin = p.value.trim();
        break;
      case 'NOTE':
        f.note ??= unescapeText(p.value).trim() || undefined;
        break;
      case 'CATEGORIES':
        for (const c of splitEscaped(p.value, ',')) {
          const v = unescapeText(c).trim();
          if (v) f.categories.push(v);
        }
        break;
    }
  }
  return f;
}

function scalarText(f: CardFields, key: ScalarKey): string | undefined {
  if (key === 'n') return f.n ? `${f.n.family};${f.n.given}` : undefined;
  return f[key];
}

/** FNV-1a 32-bit, hex: enough to tell "the value Rapport last wrote" from anything else. */
export function hashValue(s: string): string {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function readBase(props: VcardProp[]): Partial<Record<ScalarKey, string>> {
  const p = props.find((x) => x.name === BASE_PROP);
  const out: Partial<Record<ScalarKey, string>> = {};
  if (!p) return out;
  for (const pair of unescapeText(p.value).split('&')) {
    const [k, v] = pair.split('=');
    if ((SCALARS as readonly string[]).includes(k) && v) out[k as ScalarKey] = v;
  }
  return out;
}

function writeBase(f: CardFields): string {
  return SCALARS.flatMap((k) => {
    const v = scalarText(f, k);
    return v ? [`${k}=${hashValue(v)}`] : [];
  }).join('&');
}

const telKey = (t: string) => {
  const digits = t.replace(/[^\d+]/g, '');
  return digits.replace(/^00/, '+');
};
const catKey = (c: string) => c.trim().toLowerCase();

function union(remote: string[], local: string[], key: (s: string) => string | undefined): string[] {
  const seen = new Set(remote.map(key));
  const out = [...remote];
  for (const v of local) {
    const k = key(v);
    if (k && !seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}

/** Three-way merge of the managed fields (see the header comment for the rule). */
export function mergeFields(local: CardFields, remote: CardFields, base: Partial<Record<ScalarKey, string>>): CardFields {
  const out: CardFields = {
    emails: union(remote.emails, local.emails, emailKey),
    tels: union(remote.tels, local.tels, telKey),
    categories: union(remote.categories, local.categories, catKey),
  };
  for (const key of SCALARS) {
    const l = scalarText(local, key);
    const r = scalarText(remote, key);
    let takeLocal: boolean;
    if (!r)
      takeLocal = !!l && !(base[key] !== undefined && base[key] === hashValue(l)); // cleared on the server: stays cleared
    else if (!l || l === r) takeLocal = false;
    else takeLocal = base[key] !== undefined && base[key] === hashValue(r);
    const src = takeLocal ? local : remote;
    if (key === 'n') {
      if (src.n) out.n = { ...src.n };
    } else if (src[key] !== undefined) out[key] = src[key];
  }
  return out;
}

function revNow(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

function textProp(name: string, value: string): VcardProp {
  return { name, params: '', value: escapeText(value) };
}

/**
 * Writes `fields` into a card: the remote card's properties when given (unmanaged ones untouched), or a new
 * vCard 4.0 with `uid`. Returns the card text and whether anything Rapport manages changed.
 */
export function writeCard(fields: CardFields, opts: { uid: string; remote?: VcardProp[]; now?: Date }): { text: string; changed: boolean } {
  const remote = opts.remote;
  const props: VcardProp[] = remote
    ? remote.map((p) => ({ ...p }))
    : [
        { name: 'VERSION', params: '', value: '4.0' },
        { name: 'PRODID', params: '', value: PRODID },
        { name: 'UID', params: '', value: opts.uid },
      ];
  const current = fieldsFromProps(props);
  let changed = !remote;

  const setScalar = (
    name: string,
    value: string | undefined,
    was: string | undefined,
    build: (v: string, old?: VcardProp) => VcardProp,
    match?: (p: VcardProp) => boolean,
  ) => {
    if (value === undefined || value === was) return;
    changed = true;
    const idx = props.findIndex((p) => p.name === name && (!match || match(p)));
    if (idx >= 0) props[idx] = build(value, props[idx]);
    else props.push(build(value));
  };

  setScalar('FN', fields.fn, current.fn, (v, old) => ({ ...textProp('FN', v), params: old?.params ?? '', group: old?.group }));
  const nText = fields.n ? `${fields.n.family};${fields.n.given}` : undefined;
  const curN = current.n ? `${current.n.family};${current.n.given}` : undefined;
  setScalar('N', nText, curN, (_v, old) => {
    const rest = old ? splitEscaped(old.value, ';').slice(2) : [];
    while (rest.length < 3) rest.push('');
    const value = [escapeText(fields.n?.family ?? ''), escapeText(fields.n?.given ?? ''), ...rest].join(';');
    return { name: 'N', params: old?.params ?? '', group: old?.group, value };
  });
  setScalar('ORG', fields.org, current.org, (v, old) => {
    const units = old ? splitEscaped(old.value, ';').slice(1) : [];
    return { name: 'ORG', params: old?.params ?? '', group: old?.group, value: [escapeText(v), ...units].join(';') };
  });
  setScalar('TITLE', fields.title, current.title, (v, old) => ({ ...textProp('TITLE', v), params: old?.params ?? '', group: old?.group }));
  setScalar(
    'URL',
    fields.linkedin,
    current.linkedin,
    (v, old) => ({ name: 'URL', params: old?.params ?? ';TYPE=linkedin', group: old?.group, value: v.replace(/[\r\n]/g, '') }),
    (p) => !!normalizeLinkedinUrl(p.value),
  );
  setScalar('NOTE', fields.note, current.note, (v, old) => ({ ...textProp('NOTE', v), params: old?.params ?? '', group: old?.group }));

  const isV4 = (props.find((p) => p.name === 'VERSION')?.value.trim() ?? '4.0').startsWith('4');
  for (const e of fields.emails) {
    if (current.emails.some((x) => emailKey(x) === emailKey(e))) continue;
    changed = true;
    props.push({ name: 'EMAIL', params: '', value: escapeText(e) });
  }
  for (const t of fields.tels) {
    if (current.tels.some((x) => telKey(x) === telKey(t))) continue;
    changed = true;
    props.push({ name: 'TEL', params: isV4 ? ';VALUE=text' : '', value: escapeText(t) });
  }
  const newCats = fields.categories.filter((c) => !current.categories.some((x) => catKey(x) === catKey(c)));
  if (newCats.length) {
    changed = true;
    props.push({ name: 'CATEGORIES', params: '', value: newCats.map(escapeText).join(',') });
  }

  const base = writeBase(fields);
  const baseIdx = props.findIndex((p) => p.name === BASE_PROP);
  if (baseIdx >= 0) {
    if (unescapeText(props[baseIdx].value) !== base) {
      changed = true;
      props[baseIdx] = textProp(BASE_PROP, base);
    }
  } else if (base) {
    changed = true;
    props.push(textProp(BASE_PROP, base));
  }

  if (!props.some((p) => p.name === 'UID')) props.push({ name: 'UID', params: '', value: opts.uid });
  if (changed) {
    const rev = { name: 'REV', params: '', value: revNow(opts.now ?? new Date()) };
    const revIdx = props.findIndex((p) => p.name === 'REV');
    if (revIdx >= 0) props[revIdx] = rev;
    else props.push(rev);
  }
  // VERSION must follow BEGIN:VCARD (RFC 6350 §6.7.9).
  const vIdx = props.findIndex((p) => p.name === 'VERSION');
  if (vIdx > 0) props.unshift(...props.splice(vIdx, 1));
  else if (vIdx < 0) props.unshift({ name: 'VERSION', params: '', value: '4.0' });
  return { text: serializeProps(props), changed };
}

// ---------------------------------------------------------------------------------------------------
// Stable UID

const NAMESPACE = '6f1c3a52-4b7e-4c1d-9a53-2f0e8d6b7c41'; // Rapport's UUIDv5 namespace for contacts

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** RFC 4122 UUIDv5 (SHA-1, via WebCrypto) of the local contact id: the same contact always gets the same UID. */
export async function contactUuid(localId: string): Promise<string> {
  const name = new TextEncoder().encode(localId);
  const data = new Uint8Array(16 + name.length);
  data.set(uuidBytes(NAMESPACE), 0);
  data.set(name, 16);
  const h = new Uint8Array(await crypto.subtle.digest('SHA-1', data));
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = Array.from(h.slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
