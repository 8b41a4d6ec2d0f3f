// People as vCard: 4.0 (RFC 6350) or 3.0 (RFC 2426, for older address books), one card per person, with
// the escaping and line folding of vcard-text.ts that the importer and the CardDAV writer share. What the
// importer reads back (FN, N, EMAIL, TEL, ORG, TITLE, ADR, URL, CATEGORIES) gives the same people. Pure.
import type { Contact } from '../storage/schema';
import { escapeText, foldLine } from './vcard-text';

export type VcardVersion = '4.0' | '3.0';

/** "2026-12-07T10:00:00.000Z" → "20261207T100000Z" (the timestamp form both versions accept). */
function stamp(iso: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso);
  return m ? `${m[1]}${m[2]}${m[3]}T${m[4]}${m[5]}${m[6]}Z` : undefined;
}

/** A URI value: no line breaks; commas and semicolons are part of the URI, not separators. */
function uri(s: string): string {
  return s.replace(/[\r\n]/g, '');
}

export function contactToVcard(c: Contact, version: VcardVersion = '4.0'): string {
  const v4 = version === '4.0';
  const lines: string[] = ['BEGIN:VCARD', `VERSION:${version}`];
  if (!v4) lines.push('PRODID:-//Rapport//Rapport export//EN');
  // 4.0's UID is a URI unless VALUE=text says otherwise; Rapport's ids are plain text.
  lines.push(`UID${v4 ? ';VALUE=text' : ''}:${escapeText(c.id)}`);
  lines.push(`FN:${escapeText(c.name)}`);
  // N is required in 3.0; family;given;additional;prefixes;suffixes.
  if (c.firstName || c.lastName || !v4)
    lines.push(`N:${escapeText(c.lastName ?? '')};${escapeText(c.firstName ?? (c.lastName ? '' : c.name))};;;`);
  c.emails.forEach((e, i) => {
    if (v4) lines.push(`EMAIL${i === 0 && c.emails.length > 1 ? ';PREF=1' : ''}:${escapeText(e)}`);
    else lines.push(`EMAIL;TYPE=INTERNET${i === 0 && c.emails.length > 1 ? ',PREF' : ''}:${escapeText(e)}`);
  });
  for (const p of c.phones) lines.push(v4 ? `TEL;VALUE=text:${escapeText(p)}` : `TEL;TYPE=VOICE:${escapeText(p)}`);
  if (c.company) lines.push(`ORG:${escapeText(c.company)}`);
  if (c.title) lines.push(`TITLE:${escapeText(c.title)}`);
  // One free-text location: the locality component, which the importer reads back as the location.
  if (c.location) lines.push(`ADR;TYPE=${v4 ? 'work' : 'WORK'}:;;;${escapeText(c.location)};;;`);
  if (c.linkedinUrl) lines.push(`URL;TYPE=${v4 ? 'linkedin' : 'LINKEDIN'}:${uri(c.linkedinUrl)}`);
  if (c.tags.length) lines.push(`CATEGORIES:${c.tags.map(escapeText).join(',')}`);
  if (c.headline) lines.push(`X-RAPPORT-HEADLINE:${escapeText(c.headline)}`);
  if (c.stage) lines.push(`X-RAPPORT-STAGE:${escapeText(c.stage)}`);
  const rev = stamp(c.updatedAt);
  if (rev) lines.push(`REV:${rev}`);
  lines.push('END:VCARD');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** Several cards, one after the other (a .vcf file or a part of one). */
export function contactsToVcard(contacts: readonly Contact[], version: VcardVersion = '4.0'): string {
  let out = '';
  for (const c of contacts) out += contactToVcard(c, version);
  return out;
}
