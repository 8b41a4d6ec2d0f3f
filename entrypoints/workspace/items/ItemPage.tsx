// A pipeline item's page (`#/items/<id>`, issue 18): its fields in the one item form, its stage
// (the board's select) with won / lost or resolution, for a case its SLA facts, its people and
// company, the messages of its linked threads and its people's tasks, the stage history, delete.
import { useEffect, useState } from 'preact/hooks';
import { FollowUpForm } from '../../../components/FollowUpForm';
import { ItemForm } from '../../../components/ItemForm';
import { Timeline } from '../../../components/Timeline';
import { useLiveState } from '../../../components/use-live-query';
import { describeStorageError } from '../../../storage/errors';
import { type ItemFields, deleteItem, editItem, listPipelines } from '../../../storage/pipelines';
import type { Pipeline, PipelineItem } from '../../../storage/schema';
import { createTask } from '../../../storage/tasks';
import { DeleteButton, Deleted } from '../contact/DeletePanel';
import '../contact/contact.css';
import { pipelinePath, recordPath } from '../routes';
import { TaskLinksPicker } from '../tasks/TaskLinks';
import { type ItemPageData, loadItemPage } from './item-data';
import { CaseFacts, Outcome, StageControl, StageHistory } from './ItemSections';
import './items.css';

export function ItemPage({ id }: { path: string; id?: string }) {
  if (!id) return null;
  return <ItemDetail key={id} id={id} />;
}

/** Re-renders every minute, so the SLA state and time in stage move on while the page is open. */
function useMinute(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

function ItemDetail({ id }: { id: string }) {
  // The default pipelines are created on first use, outside the live query (which may not write).
  useEffect(() => void listPipelines().catch(() => undefined), []);
  const s = useLiveState(() => loadItemPage(id), [id]);
  const now = useMinute();
  const [deleted, setDeleted] = useState<{ title: string; pipelineId: string } | undefined>();
  const [error, setError] = useState<string | undefined>();
  if (deleted)
    return (
      <Deleted
        what={deleted.title}
        result={{ deleted: true, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely: [] }}
        back={pipelinePath(deleted.pipelineId)}
        backLabel="Back to the pipeline"
      />
    );
  if (s.state === 'loading') return <p class="empty">Loading…</p>;
  if (s.state === 'error')
    return (
      <p class="empty error" role="alert">
        Could not load this item: {s.message}
      </p>
    );
  if (!s.value)
    return (
      <section class="ws-page" data-testid="item-missing">
        <p>This item does not exist (any more).</p>
        <a href="#/pipelines">Back to Pipelines</a>
      </section>
    );
  const { item, pipeline } = s.value;
  return (
    <section class="ws-page item-page" data-testid="item-page" data-id={item.id} data-kind={pipeline?.kind}>
      <header class="ws-page-head">
        <div class="grow">
          <h1 dir="auto" data-testid="item-title">
            {item.title}
          </h1>
          {pipeline && (
            <a class="muted" href={`#${pipelinePath(pipeline.id)}`} data-testid="item-pipeline">
              {pipeline.name}
            </a>
          )}
        </div>
        <DeleteButton
          what={`“${item.title}”`}
          consequences="Its stage history goes with it; its people, e-mails and tasks stay."
          testid="item-delete"
          remoteChoice="Also archive it in my CRMs:"
          onDelete={async (archiveInCrms) => {
            const done = await deleteItem(item.id, { archiveInCrms });
            setDeleted({ title: item.title, pipelineId: item.pipelineId });
            return { deleted: done, alsoDeleted: { activities: 0, tasks: 0 }, keptRemotely: [] };
          }}
        />
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {pipeline ? (
        <>
          <StageControl item={item} pipeline={pipeline} onError={setError} />
          <Outcome item={item} pipeline={pipeline} />
          {pipeline.kind === 'service' && <CaseFacts item={item} now={now} />}
          <ItemFields item={item} pipeline={pipeline} />
        </>
      ) : (
        <p class="muted">Its pipeline was removed.</p>
      )}
      <ItemLinks data={s.value} onError={setError} />
      <h2 class="section-title">Stage history</h2>
      <StageHistory history={s.value.history} pipeline={pipeline} now={now} />
      <h2 class="section-title">E-mails and tasks</h2>
      <ItemFollowUp item={item} />
      {s.value.timeline.length === 0 ? (
        <p class="muted small">No thread, person or follow-up linked yet.</p>
      ) : (
        <Timeline items={s.value.timeline} />
      )}
    </section>
  );
}

/** A follow-up for the item: a task linked to it, its people and its company. */
function ItemFollowUp({ item }: { item: PipelineItem }) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  return (
    <div class="item-follow-up">
      {!open && (
        <button type="button" data-testid="follow-up" onClick={() => (setOpen(true), setDone(null))}>
          Follow up
        </button>
      )}
      {open && (
        <FollowUpForm
          class="ws-form"
          onCancel={() => setOpen(false)}
          onSave={async ({ fields, date }) => {
            // A failure throws: the form shows it under its fields.
            await createTask(
              { ...fields, contactIds: item.contactIds, itemId: item.id, ...(item.companyId ? { companyId: item.companyId } : {}) },
              { type: 'manual', at: new Date().toISOString() },
            );
            setOpen(false);
            setDone(date ? `Follow-up set for ${date}.` : 'Follow-up added.');
          }}
        />
      )}
      {done && (
        <p class="ok small" role="status">
          {done}
        </p>
      )}
    </div>
  );
}

/** The item's fields in the one item form; a new priority gives a case the SLA due time of its policy. */
function ItemFields({ item, pipeline }: { item: PipelineItem; pipeline: Pipeline }) {
  const [saved, setSaved] = useState(false);
  return (
    <>
      <ItemForm
        key={item.id}
        class="ws-form item-form"
        pipelines={[pipeline]}
        initial={item}
        editing
        onSave={async ({ fields }) => {
          const next: ItemFields = { ...fields };
          // Fields the form clears come back absent: clear them here too.
          for (const key of ['amount', 'currency', 'closeDate', 'category', 'role', 'source', 'notes'] as const) {
            if (!(key in fields) && item[key] !== undefined) (next as Record<string, unknown>)[key] = undefined;
          }
          await editItem(item.id, next);
          setSaved(true);
        }}
      />
      {saved && (
        <p class="muted small" role="status" data-testid="item-saved">
          Saved.
        </p>
      )}
    </>
  );
}

/** The item's people (links to their pages), its company, and the picker that adds or removes them. */
function ItemLinks({ data, onError }: { data: ItemPageData; onError: (m: string) => void }) {
  const { item, people, company } = data;
  const missing = item.contactIds.filter((cid) => !people.some((p) => p.id === cid));
  return (
    <div class="item-links">
      <h2 class="section-title">People</h2>
      {people.length === 0 && missing.length === 0 && <p class="muted small">Nobody linked yet.</p>}
      <ul class="item-people">
        {people.map((p) => (
          <li key={p.id}>
            <a data-testid="item-person" data-id={p.id} href={`#${recordPath('contact', p.id)}`}>
              {p.name}
            </a>
            {p.emails[0] && <span class="muted small"> · {p.emails[0]}</span>}
          </li>
        ))}
      </ul>
      {company && (
        <p>
          Company:{' '}
          <a data-testid="item-company" href={`#${recordPath('company', company.id)}`}>
            {company.name}
          </a>
        </p>
      )}
      <TaskLinksPicker
        value={{ contactIds: item.contactIds, companyId: item.companyId }}
        onChange={(next) =>
          void editItem(item.id, { contactIds: next.contactIds, companyId: next.companyId }).catch((e: unknown) =>
            onError(describeStorageError(e)),
          )
        }
      />
      <p class="muted small">{item.threadIds.length ? `${item.threadIds.length} linked thread(s).` : ''}</p>
    </div>
  );
}
