// The portal behind a token (its id and UI domain), asked once per token while the worker lives.
import { ConnectorError } from '../types';
import type { HubspotClient } from './client';

export interface AccountInfo {
  portalId?: number;
  uiDomain?: string;
}

const accountCache = new Map<string, Promise<AccountInfo | null>>();

export function accountInfo(client: HubspotClient): Promise<AccountInfo | null> {
  let p = accountCache.get(client.key);
  if (!p) {
    p = client.request<AccountInfo>('GET', '/account-info/v3/details').catch((err: unknown) => {
      accountCache.delete(client.key);
      // Only a missing scope or endpoint is tolerated: the rest is the caller's failure.
      if (err instanceof ConnectorError && (err.kind === 'not-found' || err.status === 403)) return null;
      throw err;
    });
    accountCache.set(client.key, p);
  }
  return p;
}
