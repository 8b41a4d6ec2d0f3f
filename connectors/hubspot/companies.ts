// Pushing companies: `domain` is not a unique property in HubSpot, so companies are found by known id,
// by domain (IN, lowercase), else by exact name, then updated (empty properties) or created.
import type { Company } from '../../storage/schema';
import { chunk } from '../http';
import { oldest, type Outcomes } from '../outcomes';
import type { PushItem } from '../types';
import { groupBy, recordOf, writeAndSettle, type RecordWork } from './batch';
import type { HubspotClient } from './client';
import { companyProperties, domainOf } from './mapping';

interface CompanyWork extends RecordWork {
  company: Company;
  domain?: string;
}

export async function pushCompanies(client: HubspotClient, items: PushItem[], outcomes: Outcomes): Promise<void> {
  const readProps = ['name', 'domain', 'website', 'city', 'linkedin_company_page'];
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
  const byDomain = work.filter((w) => !w.remote && w.domain);
  for (const part of chunk(byDomain, 100)) {
    const found = await client.searchAll('companies', {
      filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN', values: part.map((w) => w.domain as string) }] }],
      properties: readProps,
    });
    for (const w of part) w.remote = oldest(found.filter((o) => (o.properties.domain ?? '').toLowerCase() === w.domain));
  }
  const byName = work.filter((w) => !w.remote && !w.domain && w.props.name);
  for (const part of chunk(byName, 100)) {
    const found = await client.searchAll('companies', {
      filterGroups: [{ filters: [{ propertyName: 'name', operator: 'IN', values: part.map((w) => w.props.name.toLowerCase()) }] }],
      properties: readProps,
    });
    for (const w of part)
      w.remote = oldest(found.filter((o) => (o.properties.name ?? '').trim().toLowerCase() === w.props.name.toLowerCase()));
  }

  await writeAndSettle(client, 'companies', work, outcomes);
}
