// What the user (or an auto-log rule) does with a page capture: save people, log a thread,
// save or update a LinkedIn profile. Runs in extension pages and the background, never in a page.
import { type LinkedinLeadCapture, type LinkedinProfileCapture } from './linkedin';
import { type MailMessage, type ThreadCapture, type ThreadParticipant, classifyParticipants } from './mail';
import { type SignatureFields, type SignatureOptions, parseSignature } from './signature';
import { candidateEmail } from '../storage/normalize';
import { type UpsertResult, addActivities, findContactByEmail, upsertContact, upsertContacts } from '../storage/repositories';
import type { Contact, ContactInput, Source } from '../storage/schema';
import { type Settings, isNeverCaptured } from '../storage/settings';

export interface OutsidePerson {
  email: string;
  name: string;
  /** What the person's latest signature in the thread tells. */
  fromSignature: { title?: string; company?: string; phones: string[]; linkedinUrl?: string };
}

function sourceOf(capture: ThreadCapture): Source {
  return { type: capture.site, ref: capture.threadId, at: new Date().toISOString() };
}

// Parsed signatures, by their text and options: the sidebar asks for the outside people on every
// render, and the background twice per capture when an auto-log rule is on; a signature is parsed
// once. Bounded: the oldest entry goes when the map is full.
const SIGNATURE_CACHE_SIZE = 64;
const signatureCache = new Map<string, SignatureFields>();

/** `parseSignature`, memoised per signature text and options (the result is shared: do not change it). */
export function parseSignatureOnce(text: string, opts: SignatureOptions): SignatureFields {
  const key = JSON.stringify([text, opts.name ?? '', opts.email ?? '', opts.links ?? [], opts.defaultCountry ?? ''] as const);
  const hit = signatureCache.get(key);
  if (hit) return hit;
  const fields = parseSignature(text, opts);
  if (signatureCache.size >= SIGNATURE_CACHE_SIZE) signatureCache.delete(signatureCache.keys().next().value!);
  signatureCache.set(key, fields);
  return fields;
}

/** People outside the team in a thread (never-capture entries removed), with signature facts. */
export function outsidePeople(capture: ThreadCapture, settings: Settings): OutsidePerson[] {
  const classified = classifyParticipants(capture, { internalDomains: settings.internalDomains });
  const people = classified.participants.filter(
    (p: ThreadParticipant): p is ThreadParticipant & { email: string } =>
      !!p.email && !p.isUser && !p.isInternal && !isNeverCaptured(p.email, settings),
  );
  return people.map((p) => {
    const email = candidateEmail(p.email) ?? p.email;
    const last = [...classified.messages].reverse().find((m: MailMessage) => candidateEmail(m.from.email) === email && m.signature);
    const sig = last ? parseSignatureOnce(last.signature, { name: p.name, email, links: last.links }) : undefined;
    return {
      email,
      name: p.name || email,
      fromSignature: { title: sig?.title, company: sig?.company, phones: sig ? [...sig.phones] : [], linkedinUrl: sig?.linkedinUrl },
    };
  });
}

function personInput(p: OutsidePerson): ContactInput {
  return {
    name: p.name,
    emails: [p.email],
    title: p.fromSignature.title,
    company: p.fromSignature.company,
    phones: p.fromSignature.phones,
    linkedinUrl: p.fromSignature.linkedinUrl,
  };
}

export async function saveMailPerson(capture: ThreadCapture, person: OutsidePerson): Promise<UpsertResult> {
  return upsertContact(personInput(person), sourceOf(capture));
}

/**
 * Logs every message of the thread as an email activity linked to every outside person (saving
 * the ones not yet known). Deduplicated by message id: logging twice adds nothing.
 */
export async function logThread(
  capture: ThreadCapture,
  settings: Settings,
): Promise<{ added: number; existing: number; contacts: Contact[] }> {
  const people = outsidePeople(capture, settings);
  if (!people.length) throw new Error('nobody outside your team in this conversation: nothing to log');
  const source = sourceOf(capture);
  const saved = await upsertContacts(people.map(personInput), source, {});
  const contacts = saved.filter((r): r is UpsertResult => !(r instanceof Error)).map((r) => r.contact);
  const ids = contacts.map((c) => c.id);
  const classified = classifyParticipants(capture, { internalDomains: settings.internalDomains });
  const keep = (a: { email?: string; name: string }) => !isNeverCaptured(a.email, settings);
  const { added, existing } = await addActivities(
    classified.messages.map((m) => ({
      type: 'email' as const,
      contactIds: ids,
      subject: capture.subject,
      snippet: m.snippet,
      body: m.bodyText || undefined,
      occurredAt: m.date ?? new Date().toISOString(),
      direction: m.direction,
      threadId: `${capture.site}:${capture.threadId}`,
      messageId: `${capture.site}:${m.messageId}`,
      participants: [
        ...[m.from].filter(keep).map((a) => ({ email: a.email, name: a.name, role: 'from' as const })),
        ...m.to.filter(keep).map((a) => ({ email: a.email, name: a.name, role: 'to' as const })),
        ...m.cc.filter(keep).map((a) => ({ email: a.email, name: a.name, role: 'cc' as const })),
      ],
    })),
    source,
  );
  return { added: added.length, existing: existing.length, contacts };
}

/** Should an auto-log rule log this thread? (Off unless the user turned a rule on.) */
export async function autoLogRuleMatches(capture: ThreadCapture, settings: Settings): Promise<boolean> {
  const { existingContacts, domains } = settings.autoLog;
  if (!existingContacts && !domains.length) return false;
  for (const p of outsidePeople(capture, settings)) {
    const domain = p.email.slice(p.email.lastIndexOf('@') + 1);
    if (domains.some((d) => domain === d.replace(/^@/, '') || domain.endsWith(`.${d.replace(/^@/, '')}`))) return true;
    if (existingContacts && (await findContactByEmail(p.email))) return true;
  }
  return false;
}

// ------------------------------------------------------------------ LinkedIn

export type ProfileLike = LinkedinProfileCapture | LinkedinLeadCapture;

export function profileInput(capture: ProfileLike): ContactInput {
  const isProfile = capture.kind === 'profile';
  return {
    name: capture.name,
    firstName: capture.firstName || undefined,
    lastName: capture.lastName || undefined,
    headline: capture.headline,
    title: isProfile ? capture.currentTitle : capture.title,
    company: isProfile ? capture.currentCompany : capture.company,
    location: capture.location,
    linkedinUrl: capture.profileUrl,
    photoUrl: isProfile ? capture.photoUrl : undefined,
  };
}

export interface ProfileChange {
  field: 'title' | 'company' | 'headline' | 'location';
  label: string;
  saved?: string;
  page: string;
}

/** What the page shows that differs from what is saved (new title/company → offer an update). */
export function profileChanges(contact: Contact, capture: ProfileLike): ProfileChange[] {
  const input = profileInput(capture);
  const labels = { title: 'Title', company: 'Company', headline: 'Headline', location: 'Location' } as const;
  const out: ProfileChange[] = [];
  for (const field of ['title', 'company', 'headline', 'location'] as const) {
    const page = input[field];
    if (page && page !== contact[field]) out.push({ field, label: labels[field], saved: contact[field], page });
  }
  return out;
}

/** Saves (or, with overwrite, updates) the person and records the capture in their timeline. */
export async function saveProfile(capture: ProfileLike, overwrite: boolean): Promise<UpsertResult> {
  const source: Source = { type: 'linkedin', ref: capture.profileUrl ?? capture.kind, at: new Date().toISOString() };
  const result = await upsertContact(profileInput(capture), source, { overwrite });
  const input = profileInput(capture);
  await addActivities(
    [
      {
        type: 'profile',
        contactIds: [result.contact.id],
        subject: [input.title, input.company].filter(Boolean).join(' at ') || capture.name,
        snippet: [capture.headline, capture.location].filter(Boolean).join(' · ').slice(0, 2000) || undefined,
        occurredAt: source.at,
      },
    ],
    source,
  );
  return result;
}
