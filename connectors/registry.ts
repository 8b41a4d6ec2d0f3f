// Every connector the extension ships, by id. Adding a CRM = adding its folder and one line here.
import { carddavConnector } from './carddav';
import { hubspotConnector } from './hubspot';
import { pipedriveConnector } from './pipedrive';
import { salesforceConnector } from './salesforce';
import type { Connector } from './types';
import { webhookConnector } from './webhook';

/**
 * A connector of any config type. Config types are plain interfaces (no index signature), so a
 * Connector<HubspotConfig> is not a Connector<Record<string, unknown>>; the engine only ever hands
 * a connector the config its own configSchema parsed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyConnector = Connector<any>;

export type ConnectorRegistry = ReadonlyMap<string, AnyConnector>;

export const CONNECTORS: readonly AnyConnector[] = [
  hubspotConnector,
  pipedriveConnector,
  salesforceConnector,
  carddavConnector,
  webhookConnector,
];

export function createRegistry(connectors: readonly AnyConnector[]): ConnectorRegistry {
  const map = new Map<string, AnyConnector>();
  for (const c of connectors) {
    if (map.has(c.id)) throw new Error(`two connectors share the id ${c.id}`);
    map.set(c.id, c);
  }
  return map;
}

export const registry: ConnectorRegistry = createRegistry(CONNECTORS);
