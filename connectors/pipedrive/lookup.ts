// What Pipedrive knows about one email address, for the person's card: the person's fields, owner,
// open deals (with stage names) and the person's URL.
import { normalizeEmail } from '../../storage/normalize';
import { oldest } from '../outcomes';
import type { ConnectorContext, RemoteContact } from '../types';
import { PipedriveClient, type PdPerson, type PdSearchItem } from './client';
import type { PipedriveConfig } from './config';

const stageCache = new Map<string, Promise<string | undefined>>();

function stageName(client: PipedriveClient, id: number): Promise<string | undefined> {
  const key = `${client.key}|${id}`;
  let p = stageCache.get(key);
  if (!p) {
    p = client.getOrNull<{ name: string }>(`/api/v2/stages/${id}`).then((s) => s?.name);
    p.catch(() => stageCache.delete(key));
    stageCache.set(key, p);
  }
  return p;
}

export async function lookupByEmail(ctx: ConnectorContext<PipedriveConfig>, email: string): Promise<RemoteContact | null> {
  const client = new PipedriveClient(ctx);
  const value = normalizeEmail(email);
  if (!value) return null;
  const items = await client.search<PdSearchItem>('persons', value, 'email');
  const hit = oldest(items.filter((i) => (i.emails ?? []).some((e) => normalizeEmail(e) === value)));
  if (!hit) return null;
  const person = await client.getOrNull<PdPerson>(`/api/v2/persons/${hit.id}`);
  if (!person) return null;

  let owner: string | undefined;
  if (person.owner_id) owner = (await client.getOrNull<{ name?: string; email?: string }>(`/api/v1/users/${person.owner_id}`))?.name;

  const dealsRes = await client.get<{ title: string; value?: number; currency?: string; stage_id?: number }[] | null>('/api/v2/deals', {
    person_id: person.id,
    status: 'open',
    limit: 100,
  });
  const deals = await Promise.all(
    (dealsRes.data ?? []).map(async (d) => {
      const stage = d.stage_id ? await stageName(client, d.stage_id) : undefined;
      return {
        name: d.title,
        ...(stage ? { stage } : {}),
        ...(typeof d.value === 'number' ? { amount: d.value } : {}),
        ...(d.currency ? { currency: d.currency } : {}),
      };
    }),
  );

  const fields: Record<string, string> = { name: person.name };
  const emails = (person.emails ?? []).map((e) => e.value).filter(Boolean);
  const phones = (person.phones ?? []).map((e) => e.value).filter(Boolean);
  if (emails.length) fields.emails = emails.join(', ');
  if (phones.length) fields.phones = phones.join(', ');
  if (person.job_title) fields.job_title = person.job_title;
  if (hit.organization?.name) fields.organization = hit.organization.name;
  for (const [k, v] of Object.entries(person.custom_fields ?? {})) if (typeof v === 'string' && v) fields[k] = v;

  return {
    remoteId: String(person.id),
    url: `https://${ctx.config.companyDomain}.pipedrive.com/person/${person.id}`,
    ...(owner ? { owner } : {}),
    ...(deals.length ? { deals } : {}),
    fields,
  };
}
