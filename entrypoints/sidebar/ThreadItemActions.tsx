// "New deal", "Open a case" and the one-click complaint from a mail thread (issue 18 item 3): the
// item links the thread, its outside people and their company. The thread is logged on the way
// (people saved or found as "Log this thread" does), so the item's page shows its e-mails.
import { useState } from 'preact/hooks';
import { type OutsidePerson, logThread } from '../../capture/actions';
import type { ThreadCapture } from '../../capture/mail';
import { ItemForm, type ItemFormResult } from '../../components/ItemForm';
import { describeStorageError } from '../../storage/errors';
import { type ItemFields, createItem, editItem, listPipelines } from '../../storage/pipelines';
import type { Contact, Pipeline, PipelineItem, Source } from '../../storage/schema';
import type { Settings } from '../../storage/settings';
import { CreatedItem, pipelinesFor } from './items';

/** The company the people share, if they share one (people without a company do not count against it). */
export function sharedCompanyId(contacts: Pick<Contact, 'companyId'>[]): string | undefined {
  const ids = new Set(contacts.map((c) => c.companyId).filter((id): id is string => !!id));
  return ids.size === 1 ? [...ids][0] : undefined;
}

/** What an item made from this thread links: the thread (as activities name it), its outside people, their company. */
async function threadLinks(capture: ThreadCapture, settings: Settings, people: OutsidePerson[]): Promise<ItemFields> {
  const contacts = people.length ? (await logThread(capture, settings)).contacts : [];
  const companyId = sharedCompanyId(contacts);
  return {
    threadIds: [`${capture.site}:${capture.threadId}`],
    contactIds: contacts.map((c) => c.id),
    ...(companyId ? { companyId } : {}),
  };
}

type Open = { kind: 'deal' | 'case'; pipelines: Pipeline[] } | { kind: 'details'; item: PipelineItem; pipelines: Pipeline[] };

export function ThreadItemActions({ capture, settings, people }: { capture: ThreadCapture; settings: Settings; people: OutsidePerson[] }) {
  const [open, setOpen] = useState<Open | null>(null);
  const [created, setCreated] = useState<{ item: PipelineItem; pipeline?: Pipeline } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const title = capture.subject.trim() || `Conversation with ${people[0]?.name ?? 'a customer'}`;
  const source = (): Source => ({ type: capture.site, ref: capture.threadId, at: new Date().toISOString() });

  const create = async (pipelineId: string, fields: ItemFields & { title: string; stageId?: string }) => {
    const item = await createItem(pipelineId, { ...fields, ...(await threadLinks(capture, settings, people)) }, source());
    const pipeline = (await listPipelines()).find((p) => p.id === item.pipelineId);
    setCreated({ item, pipeline });
    setOpen(null);
    setError(null);
    return item;
  };
  const openForm = (kind: 'deal' | 'case') => {
    if (open?.kind === kind) return setOpen(null);
    void listPipelines().then(
      (all) => setOpen({ kind, pipelines: pipelinesFor(all, kind === 'deal' ? ['sales', 'custom'] : ['service']) }),
      (e: unknown) => setError(describeStorageError(e)),
    );
  };
  // One click: the case is opened at once; its details (priority, notes) can follow.
  const complaint = async () => {
    setBusy(true);
    try {
      const service = (await listPipelines()).find((p) => p.kind === 'service');
      if (!service) throw new Error('There is no service pipeline to open a case in.');
      await create(service.id, { title, category: 'complaint' });
    } catch (e) {
      setError(describeStorageError(e));
    } finally {
      setBusy(false);
    }
  };
  const links = (
    <p class="small muted">
      Links this conversation (its messages are logged)
      {people.length ? `, ${people.map((p) => p.name).join(', ')} and their company when they share one` : ''}.
    </p>
  );
  // A failure shows in the form (field messages under their fields).
  const save = async (r: ItemFormResult) => void (await create(r.pipelineId, { ...r.fields, stageId: r.stageId }));
  return (
    <div data-testid="thread-item-actions">
      <div class="sb-actions">
        <button data-testid="new-deal" aria-expanded={open?.kind === 'deal'} onClick={() => openForm('deal')}>
          New deal
        </button>
        <button data-testid="open-case" aria-expanded={open?.kind === 'case'} onClick={() => openForm('case')}>
          Open a case
        </button>
        <button data-testid="open-complaint" title="Opens a complaint case at once" disabled={busy} onClick={() => void complaint()}>
          {busy ? 'Opening…' : 'Complaint'}
        </button>
      </div>
      {open && open.kind !== 'details' && (
        <ItemForm
          key={open.kind}
          pipelines={open.pipelines}
          initial={{ title, pipelineId: open.pipelines[0]?.id }}
          links={links}
          onSave={save}
          onCancel={() => setOpen(null)}
        />
      )}
      {open?.kind === 'details' && (
        <ItemForm
          key={open.item.id}
          pipelines={open.pipelines}
          editing
          initial={open.item}
          onSave={async (r) => {
            const item = await editItem(open.item.id, r.fields);
            if (item) setCreated((c) => (c ? { ...c, item } : c));
            setOpen(null);
          }}
          onCancel={() => setOpen(null)}
        />
      )}
      {created && (
        <CreatedItem item={created.item} pipeline={created.pipeline}>
          {open?.kind !== 'details' && (
            <button
              type="button"
              class="link"
              data-testid="item-details"
              onClick={() => created.pipeline && setOpen({ kind: 'details', item: created.item, pipelines: [created.pipeline] })}
            >
              Add details
            </button>
          )}
        </CreatedItem>
      )}
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
