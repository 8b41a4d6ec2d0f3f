// Pushing companies: `domain` is not a unique property in HubSpot, so companies are found by known id,
// by the unique Rapport id (an earlier create of ours: a batch read, exact), by domain (IN, lowercase),
// else by exact name, then updated (empty properties) or created with the Rapport id. Without a unique
// Rapport id, a retried company that search missed is searched again once the index has settled.
import type { Company } from '../../storage/schema';
import { chunk } from '../http';
import { oldest, type Outcomes } from '../outcomes';
import type { ConnectorContext, PushItem } from '../types';
import { groupBy, recordOf, writeAndSettle, type RecordWork } from './batch';
import type { HubspotClient } from './client';
import type { HubspotConfig } from './config';
import { companyProperties, domainOf } from './mapping';
import { rapportIdMode, readByRapportId, searchAgainWhenSettled } from './rapport-id';

interface CompanyWork extends RecordWork {
  company: Company;
  domain?: string;
}

const READ_PROPS = ['name', 'domain', 'website', 'city', 'linkedin_company_page'];

async function findByDomainOrName(client: HubspotClient, work: CompanyWork[]): Promise<void> {
  const byDomain = work.filter((w) => !w.remote && w.domain);
  for (const part of chunk(byDomain, 100)) {
    const found = await client.searchAll('companies', {
      filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN', values: part.map((w) => w.domain as string) }] }],
      properties: READ_PROPS,
    });
    for (const w of part) w.remote = oldest(found.filter((o) => (o.properties.domain ?? '').toLowerCase() === w.domain));
  }
  const byName = work.filter((w) => !w.remote && !w.domain && w.props.name);
  for (const part of chunk(byName, 100)) {
    const found = await client.searchAll('companies', {
      filterGroups: [{ filters: [{ propertyName: 'name', operator: 'IN', values: part.map((w) => w.props.name.toLowerCase()) }] }],
      properties: READ_PROPS,
    });
    for (const w of part)
      w.remote = oldest(found.filter((o) => (o.properties.name ?? '').trim().toLowerCase() === w.props.name.toLowerCase()));
  }
}

export async function pushCompanies(
  client: HubspotClient,
  ctx: ConnectorContext<HubspotConfig>,
  items: PushItem[],
  outcomes: Outcomes,
): Promise<void> {
  const readProps = READ_PROPS;
  const mode = await rapportIdMode(client, 'companies', ctx.config.rapportIdProperty || undefined, ctx.memory);
  const valid = items.filter((i) => recordOf(i, ['company']) !== undefined);
  const groups = groupBy(valid, (i) => {
    const c = recordOf(i, ['company']) as Company;
    return i.remoteId ? `id:${i.remoteId}` : domainOf(c) ? `domain:${domainOf(c)}` : `name:${c.name.trim().toLowerCase()}`;
  });
  const work: CompanyWork[] = [...groups.values()].map((group) => {
    const company = recordOf(group[0], ['company']) as Company;
    return { items: group, company, props: companyProperties(company), domain: domainOf(company) };
  });

  const withRemoteId = work.filter((w) => w.items[0].remoteId);
  if (withRemoteId.length > 0) {
    const found = await client.batchRead(
      'companies',
      withRemoteId.map((w) => w.items[0].remoteId as string),
      readProps,
    );
    const map = new Map(found.map((o) => [o.id, o]));
    for (const w of withRemoteId) w.remote = map.get(w.items[0].remoteId as string);
  }
  if (mode.kind === 'unique') {
    const unlinked = work.filter((w) => !w.remote && !w.items[0].remoteId && !w.items.every((i) => i.firstSend));
    const map = await readByRapportId(
      client,
      'companies',
      mode.property,
      unlinked.map((w) => w.company.id),
      readProps,
    );
    for (const w of unlinked) w.remote = map.get(w.company.id.toLowerCase());
  }
  await findByDomainOrName(client, work);
  if (mode.kind !== 'unique') {
    const missed = work.filter((w) => !w.remote && !w.items.every((i) => i.firstSend));
    await searchAgainWhenSettled(missed, (ws) => findByDomainOrName(client, ws));
  }

  await writeAndSettle(client, 'companies', work, outcomes, undefined, (w) =>
    mode.kind === 'none' ? {} : { [mode.property]: w.company.id },
  );
}
