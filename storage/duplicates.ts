// Duplicate suggestions: pairs of people who may be one person, each with why. The merge rules
// (repositories.ts) already make one person of the same e-mail or the same LinkedIn profile; what
// is left is only likely, so it is suggested and the user decides (merge.ts, or "not a duplicate").
//
// The scoring is pure (duplicateKeys, duplicateReasons). The query reads every contact once and
// buckets them by key (a Map per key kind), so it costs O(n) and never compares all pairs; a bucket
// holding more than MAX_BUCKET people (a name shared by thousands, an office switchboard) says
// nothing about any two of them and is skipped, and each bucket yields at most MAX_PAIRS_PER_BUCKET
// pairs (decision 0040).
import { type RapportDB, getDb } from './db';
import type { DismissedPair } from './merge-rows';
import { PUBLIC_MAIL_DOMAINS, emailDomain, fold, tokenize } from './normalize';
import { publicRecord } from './records';
import type { Contact } from './schema';

/** Why two people may be one, strongest first (a pair shows the first that applies). */
export const DUPLICATE_REASONS = ['linkedin-and-email', 'same-name-company', 'same-phone', 'same-name-domain'] as const;
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];

/** A bucket larger than this is skipped: so many people with one key are not one person. */
export const MAX_BUCKET = 25;
/** Pairs taken from one bucket (the first members by id). */
export const MAX_PAIRS_PER_BUCKET = 50;
/** Pairs one query returns at most (the page lists them; more appear as these are resolved). */
export const MAX_PAIRS = 500;

/** The two ids in a fixed order, so (a, b) and (b, a) are one pair. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

type Person = Pick<Contact, 'id' | 'name' | 'emails' | 'phones' | 'company' | 'linkedinId' | 'linkedinUrns'>;

/** The name as a sorted set of words ("Garcia, María" = "Maria Garcia"); none for one word or an address. */
export function nameKey(name: string | undefined): string | undefined {
  if (!name || name.includes('@')) return undefined;
  const words = [...new Set(tokenize(name))].sort();
  return words.length >= 2 ? words.join(' ') : undefined;
}

function companyKey(company: string | undefined): string | undefined {
  const words = tokenize(company);
  return words.length ? words.join(' ') : undefined;
}

/** A phone as a key: E.164 only (`+` and 8–15 digits, an extension dropped); other text is too vague. */
export function phoneKey(phone: string): string | undefined {
  const main = phone.split(/;ext=/i)[0].replace(/[\s().-]/g, '');
  return /^\+[1-9]\d{7,14}$/.test(main) ? main : undefined;
}

/** Domains of a person's work addresses (webmail says nothing about who they work for). */
function workDomains(emails: readonly string[]): string[] {
  return [...new Set(emails.map(emailDomain).filter((d) => d && !PUBLIC_MAIL_DOMAINS.has(d)))];
}

const isLinkedinOnly = (p: Person) => p.emails.length === 0 && (!!p.linkedinId || !!p.linkedinUrns?.length);
const isEmailContact = (p: Person) => p.emails.length > 0 && !p.linkedinId;

/** The bucket keys of one person; two people who share a key are a candidate pair. */
export function duplicateKeys(p: Person): string[] {
  const keys: string[] = [];
  const name = nameKey(p.name);
  const company = companyKey(p.company);
  if (name && company) keys.push(`nc|${name}|${company}`);
  for (const phone of new Set(p.phones.map(phoneKey))) if (phone) keys.push(`ph|${phone}`);
  if (name) for (const d of workDomains(p.emails)) keys.push(`nd|${name}|${d}`);
  return keys;
}

/**
 * Why a and b may be one person, strongest first; empty when nothing suggests it. Two different
 * LinkedIn profiles are two people whatever else they share (the merge rules say so too).
 */
export function duplicateReasons(a: Person, b: Person): DuplicateReason[] {
  if (a.id === b.id) return [];
  if (a.linkedinId && b.linkedinId && a.linkedinId !== b.linkedinId) return [];
  const out: DuplicateReason[] = [];
  const name = nameKey(a.name);
  const sameName = !!name && name === nameKey(b.name);
  const sameCompany = !!companyKey(a.company) && companyKey(a.company) === companyKey(b.company);
  if (sameName && sameCompany) {
    const mixed = (isLinkedinOnly(a) && isEmailContact(b)) || (isLinkedinOnly(b) && isEmailContact(a));
    if (mixed) out.push('linkedin-and-email');
    out.push('same-name-company');
  }
  const phonesA = new Set(a.phones.map(phoneKey).filter(Boolean));
  if (b.phones.some((p) => phonesA.has(phoneKey(p)))) out.push('same-phone');
  if (sameName) {
    const domainsA = new Set(workDomains(a.emails));
    if (workDomains(b.emails).some((d) => domainsA.has(d))) out.push('same-name-domain');
  }
  return out;
}

export interface DuplicatePair {
  a: Contact;
  b: Contact;
  /** The strongest reason (reasons[0]). */
  reason: DuplicateReason;
  reasons: DuplicateReason[];
}

export interface DuplicateScan {
  pairs: DuplicatePair[];
  /** Buckets skipped for holding more than MAX_BUCKET people. */
  skippedBuckets: number;
  /** More pairs were found than MAX_PAIRS. */
  truncated: boolean;
}

/**
 * Candidate pairs of contact numbers from buckets of keys: each bucket's members in order, pairs
 * within a bucket capped, buckets over `maxBucket` skipped. Pure, for tests of the bounds.
 */
export function pairsFromBuckets(
  buckets: Map<string, number[]>,
  maxBucket = MAX_BUCKET,
  maxPerBucket = MAX_PAIRS_PER_BUCKET,
): { pairs: [number, number][]; skippedBuckets: number } {
  const seen = new Set<string>();
  const pairs: [number, number][] = [];
  let skippedBuckets = 0;
  for (const members of buckets.values()) {
    if (members.length < 2) continue;
    if (members.length > maxBucket) {
      skippedBuckets++;
      continue;
    }
    let taken = 0;
    outer: for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        if (taken >= maxPerBucket) break outer;
        const [x, y] = members[i] < members[j] ? [members[i], members[j]] : [members[j], members[i]];
        const k = `${x}|${y}`;
        if (seen.has(k)) continue;
        seen.add(k);
        pairs.push([x, y]);
        taken++;
      }
    }
  }
  return { pairs, skippedBuckets };
}

/**
 * The suggested pairs over the whole database: one pass over the contacts (keys only kept), the
 * candidate pairs' records read back, scored, dismissed pairs left out. Runs inside liveQuery.
 */
export async function findDuplicatePairs(db: RapportDB = getDb(), maxPairs = MAX_PAIRS): Promise<DuplicateScan> {
  const buckets = new Map<string, number[]>();
  await db.contacts.each((c) => {
    for (const key of duplicateKeys(c)) {
      const members = buckets.get(key);
      if (members) {
        // A huge bucket stops growing one past the limit: it is skipped anyway.
        if (members.length <= MAX_BUCKET) members.push(c.n);
      } else buckets.set(key, [c.n]);
    }
  });
  const { pairs: candidates, skippedBuckets } = pairsFromBuckets(buckets);
  const numbers = [...new Set(candidates.flat())];
  const records = await db.contacts.bulkGet(numbers);
  const byN = new Map(records.flatMap((r) => (r ? [[r.n, publicRecord(r) as Contact] as const] : [])));
  const dismissed = new Set(
    (await db.notDuplicates.bulkGet(candidates.map(([x, y]) => pairKey(byN.get(x)?.id ?? '', byN.get(y)?.id ?? '')))).flatMap((d) =>
      d ? [d.key] : [],
    ),
  );
  const pairs: DuplicatePair[] = [];
  for (const [x, y] of candidates) {
    const a = byN.get(x);
    const b = byN.get(y);
    if (!a || !b || dismissed.has(pairKey(a.id, b.id))) continue;
    const reasons = duplicateReasons(a, b);
    if (reasons.length) pairs.push({ a, b, reason: reasons[0], reasons });
  }
  // Strongest reasons first, then by name, so the list is stable between runs.
  pairs.sort(
    (p, q) => DUPLICATE_REASONS.indexOf(p.reason) - DUPLICATE_REASONS.indexOf(q.reason) || fold(p.a.name).localeCompare(fold(q.a.name)),
  );
  return { pairs: pairs.slice(0, maxPairs), skippedBuckets, truncated: pairs.length > maxPairs };
}

/** "Not a duplicate": the pair is never suggested again (whichever way round). */
export async function dismissPair(a: string, b: string, db: RapportDB = getDb()): Promise<void> {
  const [x, y] = a < b ? [a, b] : [b, a];
  const row: DismissedPair = { key: pairKey(a, b), a: x, b: y, at: new Date().toISOString() };
  await db.notDuplicates.put(row);
}
