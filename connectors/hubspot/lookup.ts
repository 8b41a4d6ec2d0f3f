// What HubSpot knows about one email address, for the person's card: the contact's properties, owner,
// lifecycle stage, deals (v4 associations, stage labels from the deal pipelines) and record URL.
import { normalizeEmail } from '../../storage/normalize';
import { ConnectorError, type ConnectorContext, type RemoteContact } from '../types';
import { accountInfo } from './account';
import { HubspotClient } from './client';
import type { HubspotConfig } from './config';
import { LIFECYCLE_LABELS, effectiveMapping, mappedProperties } from './mapping';

const pipelineCache = new Map<string, Promise<Map<string, string>>>();

function dealStageLabels(client: HubspotClient): Promise<Map<string, string>> {
  let p = pipelineCache.get(client.key);
  if (!p) {
    p = client
      .request<{ results?: { stages?: { id: string; label: string }[] }[] }>('GET', '/crm/v3/pipelines/deals')
      .then((res) => new Map((res.results ?? []).flatMap((pl) => (pl.stages ?? []).map((s) => [s.id, s.label] as [string, string]))))
      .catch(() => {
        pipelineCache.delete(client.key);
        return new Map<string, string>();
      });
    pipelineCache.set(client.key, p);
  }
  return p;
}

export async function lookupByEmail(ctx: ConnectorContext<HubspotConfig>, email: string): Promise<RemoteContact | null> {
  const client = new HubspotClient(ctx);
  const mapping = effectiveMapping(ctx.fieldMapping);
  const emailProp = mapping.emails || 'email';
  const value = normalizeEmail(email);
  if (!value) return null;
  const res = await client.search('contacts', {
    filterGroups: [{ filters: [{ propertyName: emailProp, operator: 'EQ', value }] }],
    properties: [...new Set([...mappedProperties(mapping), 'hubspot_owner_id', 'lifecyclestage'])],
    limit: 1,
  });
  const hit = res.results?.[0];
  if (!hit) return null;

  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(hit.properties)) if (v != null && v !== '') fields[k] = v;

  const account = await accountInfo(client);
  const url = account?.portalId
    ? `https://${account.uiDomain || 'app.hubspot.com'}/contacts/${account.portalId}/record/0-1/${hit.id}`
    : undefined;

  let owner: string | undefined;
  const ownerId = hit.properties.hubspot_owner_id;
  if (ownerId) {
    try {
      const o = await client.request<{ firstName?: string; lastName?: string; email?: string }>(
        'GET',
        `/crm/v3/owners/${encodeURIComponent(ownerId)}`,
      );
      owner = [o.firstName, o.lastName].filter(Boolean).join(' ') || o.email || ownerId;
    } catch (err) {
      if (!(err instanceof ConnectorError && err.kind === 'not-found')) throw err;
      owner = ownerId;
    }
  }

  const assoc = await client.request<{ results?: { to?: { toObjectId: number | string }[] }[] }>(
    'POST',
    '/crm/v4/associations/contacts/deals/batch/read',
    { inputs: [{ id: hit.id }] },
  );
  const dealIds = (assoc.results ?? []).flatMap((r) => (r.to ?? []).map((t) => String(t.toObjectId)));
  let deals: RemoteContact['deals'];
  if (dealIds.length > 0) {
    const [found, labels] = await Promise.all([
      client.batchRead('deals', dealIds.slice(0, 100), ['dealname', 'dealstage', 'amount', 'deal_currency_code']),
      dealStageLabels(client),
    ]);
    deals = found.map((d) => {
      const amount = d.properties.amount != null && d.properties.amount !== '' ? Number(d.properties.amount) : undefined;
      const stage = d.properties.dealstage ?? undefined;
      return {
        name: d.properties.dealname ?? `Deal ${d.id}`,
        ...(stage ? { stage: labels.get(stage) ?? stage } : {}),
        ...(amount !== undefined && Number.isFinite(amount) ? { amount } : {}),
        ...(d.properties.deal_currency_code ? { currency: d.properties.deal_currency_code } : {}),
      };
    });
  }
  const lifecycle = hit.properties.lifecyclestage ?? undefined;
  return {
    remoteId: hit.id,
    ...(url ? { url } : {}),
    ...(owner ? { owner } : {}),
    ...(lifecycle ? { stage: LIFECYCLE_LABELS[lifecycle] ?? lifecycle } : {}),
    ...(deals ? { deals } : {}),
    fields,
  };
}
