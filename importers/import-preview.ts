// The mapping step's preview: the first records of a CSV as they will be stored under a mapping, and whom
// each would merge with — a person already here (same e-mail or LinkedIn profile, found with one bulk read
// per key kind) or an earlier row of the same file. The import itself merges by the same keys
// (storage/repositories.ts upsertContacts), so the preview says what the import will do.
import type { RapportDB } from '../storage/db';
import { normalizeContactInput } from '../storage/repositories';
import { buildContact, type CountryCode } from './contact';
import { mapRow, type CsvMapping, type CsvSample } from './csv';
import type { ImportRow } from './types';

export type PreviewContact = ReturnType<typeof normalizeContactInput>;

export interface PreviewRow {
  /** Record number in the file, as the import's problems name it. */
  row: number;
  /** The person as stored (absent when the row would be skipped). */
  contact?: PreviewContact;
  note?: string;
  /** Why the row would be skipped. */
  error?: string;
  warnings: string[];
  /** A person already stored that this row merges into. */
  existing?: { id: string; name: string; by: 'email' | 'linkedin'; key: string };
  /** An earlier row of this file that this row merges into (when no stored person does). */
  sameAsRow?: number;
}

/** The sample's records through a mapping, as the import would build them (no merge information yet). */
export function previewRows(sample: Pick<CsvSample, 'records'>, mapping: CsvMapping, defaultCountry?: CountryCode): PreviewRow[] {
  return sample.records.map(({ row, cells }) => {
    const built = buildContact(mapRow(cells, mapping), { defaultCountry });
    if (!built.ok) return { row, error: built.error, warnings: built.warnings };
    const out: PreviewRow = { row, warnings: built.warnings };
    try {
      out.contact = normalizeContactInput(built.row.contact as ImportRow['contact']);
    } catch (e) {
      out.error = (e as Error).message;
      return out;
    }
    if (built.row.note) out.note = built.row.note;
    return out;
  });
}

interface MergeTarget {
  id: string;
  name: string;
  emails: string[];
  linkedinId?: string;
}

/**
 * Marks whom each previewed row merges with. Reads the database once per key kind (every e-mail, every
 * LinkedIn id of the rows), never row by row.
 */
export async function markMerges(rows: PreviewRow[], db: RapportDB): Promise<PreviewRow[]> {
  const emails = new Set<string>();
  const liIds = new Set<string>();
  for (const r of rows) {
    for (const e of r.contact?.emails ?? []) emails.add(e);
    if (r.contact?.linkedinId) liIds.add(r.contact.linkedinId);
  }
  const found: MergeTarget[] = [
    ...(emails.size
      ? await db.contacts
          .where('emails')
          .anyOf([...emails])
          .toArray()
      : []),
    ...(liIds.size
      ? await db.contacts
          .where('linkedinId')
          .anyOf([...liIds])
          .toArray()
      : []),
  ];
  return matchRows(rows, found);
}

/** Pure part of markMerges: stored people first, then earlier rows of the file, by e-mail then LinkedIn id. */
export function matchRows(rows: PreviewRow[], stored: MergeTarget[]): PreviewRow[] {
  const byEmail = new Map<string, MergeTarget>();
  const byLi = new Map<string, MergeTarget>();
  for (const c of stored) {
    for (const e of c.emails) byEmail.set(e, c);
    if (c.linkedinId) byLi.set(c.linkedinId, c);
  }
  const rowByEmail = new Map<string, number>();
  const rowByLi = new Map<string, number>();
  return rows.map((r) => {
    const c = r.contact;
    if (!c) return r;
    const out: PreviewRow = { ...r, existing: undefined, sameAsRow: undefined };
    const email = c.emails.find((e) => byEmail.has(e));
    if (email) {
      const t = byEmail.get(email)!;
      out.existing = { id: t.id, name: t.name, by: 'email', key: email };
    } else if (c.linkedinId && byLi.has(c.linkedinId)) {
      const t = byLi.get(c.linkedinId)!;
      out.existing = { id: t.id, name: t.name, by: 'linkedin', key: c.linkedinId };
    } else {
      const earlier =
        c.emails.map((e) => rowByEmail.get(e)).find((x) => x !== undefined) ?? (c.linkedinId ? rowByLi.get(c.linkedinId) : undefined);
      if (earlier !== undefined) out.sameAsRow = earlier;
    }
    for (const e of c.emails) if (!rowByEmail.has(e)) rowByEmail.set(e, r.row);
    if (c.linkedinId && !rowByLi.has(c.linkedinId)) rowByLi.set(c.linkedinId, r.row);
    return out;
  });
}
