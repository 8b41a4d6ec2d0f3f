import { useEffect, useState } from 'preact/hooks';
import { callBackground } from '../messaging/client';
import { getDb } from '../storage/db';
import { type CrmCard, cachedCrmCards } from '../sync/crm-cards';
import { safeHref } from './format';

/** "just now", "12 min ago", "3 h ago", "5 d ago". */
export function age(ms: number | undefined, now = Date.now()): string {
  if (!ms) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

const money = (amount: number, currency?: string) => {
  try {
    return currency ? new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount) : amount.toLocaleString();
  } catch {
    return `${amount.toLocaleString()} ${currency ?? ''}`.trim();
  }
};

/**
 * What each connected CRM knows about these addresses: painted from the local cache at once, then
 * refreshed through the background when the cached answer is stale (never blocks the card).
 * Renders nothing when no CRM that answers look-ups is connected.
 */
export function CrmPanel({ emails }: { emails: string[] }) {
  const [cards, setCards] = useState<CrmCard[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const key = emails.join('\n');

  const refresh = (force: boolean, live: () => boolean) => {
    setBusy(true);
    setFailure(null);
    callBackground('crmLookup', { emails: emails.slice(0, 20), force })
      .then((r) => live() && setCards(r.cards))
      .catch((e: unknown) => live() && setFailure(e instanceof Error ? e.message : String(e)))
      .finally(() => live() && setBusy(false));
  };

  useEffect(() => {
    let alive = true;
    const live = () => alive;
    setCards([]);
    if (emails.length === 0) return;
    void cachedCrmCards(getDb(), emails).then((cached) => {
      if (!alive) return;
      setCards(cached);
      if (cached.some((c) => c.stale)) refresh(false, live);
    });
    return () => {
      alive = false;
    };
  }, [key]);

  if (cards.length === 0) return null;
  return (
    <div class="crm-panel" data-testid="crm-panel" aria-busy={busy}>
      {cards.map((c) => (
        <CrmCardView key={`${c.connectorId}|${c.email}`} card={c} busy={busy} multi={emails.length > 1} />
      ))}
      {failure && (
        <p class="small error" role="alert">
          CRM look-up unavailable: {failure}
        </p>
      )}
      <button type="button" class="link small" data-testid="crm-refresh" disabled={busy} onClick={() => refresh(true, () => true)}>
        {busy ? 'Checking the CRM…' : 'Refresh from CRM'}
      </button>
    </div>
  );
}

function CrmCardView({ card, busy, multi }: { card: CrmCard; busy: boolean; multi: boolean }) {
  const found = card.found;
  const href = safeHref(found?.url);
  const state = found ? 'found' : found === null ? 'missing' : 'unknown';
  return (
    <section class="crm-card" data-testid="crm-info" data-connector={card.connectorId} data-state={state} data-stale={String(card.stale)}>
      <div class="small muted">
        {card.connectorName}
        {multi ? ` · ${card.email}` : ''}
      </div>
      {found && (
        <dl class="facts">
          {found.owner && (
            <>
              <dt>Owner</dt>
              <dd data-testid="crm-owner">{found.owner}</dd>
            </>
          )}
          {found.stage && (
            <>
              <dt>Stage</dt>
              <dd data-testid="crm-stage">{found.stage}</dd>
            </>
          )}
          {found.deals && found.deals.length > 0 && (
            <>
              <dt>Deals</dt>
              <dd>
                {found.deals.map((d, i) => (
                  <div key={i} data-testid="crm-deal" dir="auto">
                    {d.name}
                    {d.stage ? ` · ${d.stage}` : ''}
                    {typeof d.amount === 'number' ? ` · ${money(d.amount, d.currency)}` : ''}
                  </div>
                ))}
              </dd>
            </>
          )}
        </dl>
      )}
      {found === null && <p class="small">Not in {card.connectorName} yet.</p>}
      {found === undefined && !card.error && (
        <p class="small muted">{busy ? `Looking up in ${card.connectorName}…` : 'Not looked up yet.'}</p>
      )}
      {href && (
        <a data-testid="crm-link" href={href} target="_blank" rel="noopener noreferrer">
          Open in {card.connectorName}
        </a>
      )}
      {card.error && (
        <p class="small error" data-testid="crm-error" role="status">
          Could not refresh: {card.error}
        </p>
      )}
      {card.fetchedAt !== undefined && found !== undefined && <div class="small muted">Updated {age(card.fetchedAt)}</div>}
    </section>
  );
}
