// The workspace's Duplicates page (#/duplicates): the suggested pairs with why, a merge with a value
// per differing field, and "not a duplicate" (remembered). The list is a live query: a merge or a
// dismissal here, or a capture elsewhere, updates it. Merges run in the background with the sync
// engine stopped (messaging: mergeContacts); what a CRM still holds twice is shown after it.
import { useState } from 'preact/hooks';
import { ContactCard } from '../../../components/ContactCard';
import { useLiveQuery, useLiveState } from '../../../components/use-live-query';
import { callBackground } from '../../../messaging/client';
import { getDb } from '../../../storage/db';
import { type DuplicatePair, type DuplicateReason, dismissPair, findDuplicatePairs, pairKey } from '../../../storage/duplicates';
import type { MergeReport } from '../../../storage/merge';
import { getContact } from '../../../storage/queries';
import type { Contact } from '../../../storage/schema';
import { type MergeRequest, MergeForm } from './MergeForm';
import './duplicates.css';

const REASON_LABELS: Record<DuplicateReason, string> = {
  'linkedin-and-email': 'A LinkedIn capture and an e-mail contact with the same name and company',
  'same-name-company': 'Same name at the same company',
  'same-phone': 'Same phone number',
  'same-name-domain': 'Same name, e-mail addresses at the same company domain',
};

/** CRMs with a merge of their own, where the user finishes what Rapport could not merge there. */
const CRM_MERGE_HINT: Record<string, string> = {
  hubspot: 'HubSpot: open the contact, Actions → Merge.',
  pipedrive: 'Pipedrive: open the person, … → Merge.',
  salesforce: 'Salesforce: Contacts → Merge Contacts.',
};

function Person({ c }: { c: Contact }) {
  return (
    <div class="dup-person grow">
      <div class="name" dir="auto">
        {c.name}
      </div>
      {(c.title || c.company) && (
        <div class="muted small" dir="auto">
          {[c.title, c.company].filter(Boolean).join(' · ')}
        </div>
      )}
      {c.emails.length > 0 && <div class="small">{c.emails.join(', ')}</div>}
      {c.phones.length > 0 && <div class="small">{c.phones.join(', ')}</div>}
      {c.linkedinUrl && <div class="small muted ellipsis">{c.linkedinUrl}</div>}
    </div>
  );
}

function Report({ report }: { report: MergeReport }) {
  const survivor = useLiveQuery(() => getContact(report.survivorId), [report.survivorId]);
  return (
    <section class="card merge-report" data-testid="merge-report" data-survivor={report.survivorId} role="status">
      <p>
        Merged: one person now, with the history of both ({report.movedActivities} history entries and {report.movedTasks} tasks moved).
      </p>
      {report.crmRecordsToMerge.some((r) => r.queued) && (
        <ul data-testid="crm-merge-queued">
          {report.crmRecordsToMerge
            .filter((r) => r.queued)
            .map((r) => (
              <li key={r.connectorId}>
                {r.connectorName} had this person twice: record {r.otherRemoteId} is merged into {r.keptRemoteId} there with the next sync.
              </li>
            ))}
        </ul>
      )}
      {report.crmRecordsToMerge.some((r) => !r.queued) && (
        <ul data-testid="crm-merge-needed">
          {report.crmRecordsToMerge
            .filter((r) => !r.queued)
            .map((r) => (
              <li key={r.connectorId}>
                {r.connectorName} still has this person twice: merge record {r.otherRemoteId} into {r.keptRemoteId} there.{' '}
                <span class="muted">{CRM_MERGE_HINT[r.connectorType] ?? ''}</span>
              </li>
            ))}
        </ul>
      )}
      {survivor && <ContactCard contact={survivor} />}
    </section>
  );
}

function PairRow(props: { pair: DuplicatePair; onMerged: (r: MergeReport) => void }) {
  const { a, b, reason } = props.pair;
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const merge = async (req: MergeRequest) => {
    setBusy(true);
    setError(undefined);
    try {
      props.onMerged(await callBackground('mergeContacts', req));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  const dismiss = async () => {
    setBusy(true);
    try {
      await dismissPair(a.id, b.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <li class="card dup-pair" data-testid="duplicate-pair" data-a={a.id} data-b={b.id} data-reason={reason}>
      <div class="muted small dup-reason">{REASON_LABELS[reason]}</div>
      <div class="row dup-people">
        <Person c={a} />
        <Person c={b} />
      </div>
      {open ? (
        <MergeForm a={a} b={b} busy={busy} onConfirm={(r) => void merge(r)} onCancel={() => setOpen(false)} />
      ) : (
        <div class="row">
          <button class="primary" data-testid="merge-pair" onClick={() => setOpen(true)} disabled={busy}>
            Merge…
          </button>
          <button data-testid="not-duplicate" onClick={() => void dismiss()} disabled={busy}>
            Not a duplicate
          </button>
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

export function DuplicatesPage() {
  const live = useLiveState(() => findDuplicatePairs(getDb()), []);
  const [report, setReport] = useState<MergeReport>();
  return (
    <section class="duplicates" data-testid="duplicates-page">
      <h1>Duplicates</h1>
      <p class="muted">
        People who may be one person. Merging keeps every e-mail, phone, tag and piece of history; "Not a duplicate" is remembered.
      </p>
      {report && <Report report={report} />}
      {live.state === 'loading' && <p class="muted">Looking for duplicates…</p>}
      {live.state === 'error' && (
        <p class="error" role="alert">
          {live.message}
        </p>
      )}
      {live.state === 'ready' && (
        <>
          {live.value.pairs.length === 0 ? (
            <p class="empty" data-testid="duplicates-empty">
              No suggested duplicates.
            </p>
          ) : (
            <ul class="dup-list">
              {live.value.pairs.map((p) => (
                <PairRow key={pairKey(p.a.id, p.b.id)} pair={p} onMerged={setReport} />
              ))}
            </ul>
          )}
          {(live.value.truncated || live.value.skippedBuckets > 0) && (
            <p class="small muted">
              {live.value.truncated ? 'More pairs appear as these are resolved. ' : ''}
              {live.value.skippedBuckets > 0
                ? `${live.value.skippedBuckets} name, company or phone ${live.value.skippedBuckets === 1 ? 'is' : 'are'} shared by too many people to suggest any of them.`
                : ''}
            </p>
          )}
        </>
      )}
    </section>
  );
}
