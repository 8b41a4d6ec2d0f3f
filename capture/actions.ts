// What the user (or an auto-log rule) does with a page capture: save people, log a thread,
// save or update a LinkedIn profile. Runs in extension pages and the background, never in a page.
import { type LinkedinLeadCapture, type LinkedinProfileCapture } from './linkedin';
import { type MailMessage, type ThreadCapture, type ThreadParticipant, classifyParticipants } from './mail';
import { refineThreadCapture } from './refine';
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

function sourceOf(capture: ThreadCapture, byRule = false): Source {
  return { type: capture.site, ref: capture.threadId, at: new Date().toISOString(), ...(byRule ? { byRule: true as const } : {}) };
}

/** The most people an auto-log rule saves from one thread; a thread with more is left for the user to log. */
export const AUTO_LOG_MAX_PEOPLE = 10;

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

/**
 * Addresses the user exchanged mail with directly: the senders of messages to the user (To or Cc)
 * and the To recipients of messages from the user. When the page does not tell the user's address,
 * "from the user" means from the team (outgoing) and "to the user" means any incoming message.
 */
export function directCorrespondents(classified: ThreadCapture): Set<string> {
  const user = candidateEmail(classified.userEmail);
  const out = new Set<string>();
  for (const m of classified.messages) {
    const from = candidateEmail(m.from.email);
    const fromUser = user ? from === user : m.direction !== 'incoming';
    const toUser = user ? [...m.to, ...m.cc].some((a) => candidateEmail(a.email) === user) : m.direction === 'incoming';
    if (toUser && from) out.add(from);
    if (fromUser) {
      for (const a of m.to) {
        const e = candidateEmail(a.email);
        if (e) out.add(e);
      }
    }
  }
  return out;
}

/** People outside the team in a thread (never-capture entries removed), with signature facts. */
export function outsidePeople(capture: ThreadCapture, settings: Settings): OutsidePerson[] {
  return peopleOf(classifyParticipants(capture, { internalDomains: settings.internalDomains }), settings);
}

function peopleOf(classified: ThreadCapture, settings: Settings, only?: Set<string>): OutsidePerson[] {
  const people = classified.participants.filter(
    (p: ThreadParticipant): p is ThreadParticipant & { email: string } =>
      !!p.email && !p.isUser && !p.isInternal && !isNeverCaptured(p.email, settings) && (!only || only.has(p.email)),
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
  plan?: AutoLogPlan,
): Promise<{ added: number; existing: number; contacts: Contact[] }> {
  // Refined again (idempotent): the text rules must have run on what is stored, whoever calls.
  const classified = classifyParticipants(refineThreadCapture(capture), { internalDomains: settings.internalDomains });
  // A rule saves only the plan's people; a click saves everyone outside the team.
  const people = plan ? plan.people : peopleOf(classified, settings);
  if (!people.length) throw new Error('nobody outside your team in this conversation: nothing to log');
  const source = sourceOf(capture, !!plan);
  const saved = await upsertContacts(people.map(personInput), source, {});
  const contacts = saved.filter((r): r is UpsertResult => !(r instanceof Error)).map((r) => r.contact);
  const ids = contacts.map((c) => c.id);
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

export interface AutoLogPlan {
  /** Outside people the user exchanged mail with directly: the only ones a rule may save. */
  people: OutsidePerson[];
  /** Set when there are more than {@link AUTO_LOG_MAX_PEOPLE}: the rule logs nothing. */
  overCap?: number;
}

function directPeople(capture: ThreadCapture, settings: Settings): OutsidePerson[] {
  const classified = classifyParticipants(capture, { internalDomains: settings.internalDomains });
  return peopleOf(classified, settings, directCorrespondents(classified));
}

function capped(people: OutsidePerson[]): AutoLogPlan {
  return people.length > AUTO_LOG_MAX_PEOPLE ? { people: [], overCap: people.length } : { people };
}

/** Who an auto-log rule would save from this thread (pure; whether a rule matches is {@link autoLogRuleMatches}). */
export function autoLogPlan(capture: ThreadCapture, settings: Settings): AutoLogPlan {
  return capped(directPeople(capture, settings));
}

export function autoLogEnabled(settings: Settings): boolean {
  return settings.autoLog.existingContacts || settings.autoLog.domains.length > 0;
}

/**
 * The plan an auto-log rule the user turned on would carry out for this thread, or undefined when no
 * rule matches (off unless the user turned a rule on). Only direct correspondents can match a rule;
 * a matching thread with too many of them gives a plan with nobody and `overCap` set.
 */
export async function autoLogRuleMatches(capture: ThreadCapture, settings: Settings): Promise<AutoLogPlan | undefined> {
  if (!autoLogEnabled(settings)) return undefined;
  const { existingContacts, domains } = settings.autoLog;
  const people = directPeople(capture, settings);
  for (const p of people) {
    const domain = p.email.slice(p.email.lastIndexOf('@') + 1);
    if (domains.some((d) => domain === d.replace(/^@/, '') || domain.endsWith(`.${d.replace(/^@/, '')}`))) return capped(people);
    if (existingContacts && (await findContactByEmail(p.email))) return capped(people);
  }
  return undefined;
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
    linkedinUrns: capture.linkedinUrns,
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
  const page = capture.kind === 'lead' ? capture.pageUrl : capture.kind;
  const source: Source = { type: 'linkedin', ref: capture.profileUrl ?? page, at: new Date().toISOString() };
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
