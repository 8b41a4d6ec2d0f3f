// "New deal", "Open a case", "Add to hiring" on a person open in the popup or on their workspace
// page (issue 18 item 3), and their open items. The popup loads this module after the person shows
// (DetailViews.tsx): the form and the pipelines' write path are not on its read path (decision 0005).
import { useState } from 'preact/hooks';
import { ItemForm, type ItemFormResult } from '../../components/ItemForm';
import { PersonItems } from '../../components/PersonItems';
import { describeStorageError } from '../../storage/errors';
import { createItem, listPipelines, moveItemTo } from '../../storage/pipelines';
import type { Contact, Pipeline, PipelineItem, Source } from '../../storage/schema';
import { itemPath } from '../workspace/routes';

const manual = (): Source => ({ type: 'manual', at: new Date().toISOString() });

type Kind = 'deal' | 'case' | 'hiring';
const KINDS: Record<Kind, { label: string; testid: string; kinds: Pipeline['kind'][] }> = {
  deal: { label: 'New deal', testid: 'new-deal', kinds: ['sales', 'custom'] },
  case: { label: 'Open a case', testid: 'open-case', kinds: ['service'] },
  hiring: { label: 'Add to hiring', testid: 'add-to-hiring', kinds: ['hiring'] },
};

export function NewItemActions({
  contact,
  onOpenItem,
  itemHref = (id) => `/workspace.html#${itemPath(id)}`,
  newTab = true,
  formClass = 'quick-form',
}: {
  contact: Contact;
  /** Opens a workspace route (the item just created). */
  onOpenItem: (path: string) => void;
  /** An item's page as this page links it (the popup: the workspace in a new tab). */
  itemHref?: (id: string) => string;
  newTab?: boolean;
  formClass?: string;
}) {
  const [open, setOpen] = useState<{ kind: Kind; pipelines: Pipeline[] } | null>(null);
  const [created, setCreated] = useState<PipelineItem | null>(null);
  const [error, setError] = useState<string | null>(null);
  const openForm = (kind: Kind) => {
    if (open?.kind === kind) return setOpen(null);
    void listPipelines().then(
      (all) => {
        const fit = all.filter((p) => KINDS[kind].kinds.includes(p.kind));
        setOpen({ kind, pipelines: fit.length ? fit : all });
      },
      (e: unknown) => setError(describeStorageError(e)),
    );
  };
  const save = async (r: ItemFormResult) => {
    const item = await createItem(
      r.pipelineId,
      { ...r.fields, stageId: r.stageId, contactIds: [contact.id], ...(contact.companyId ? { companyId: contact.companyId } : {}) },
      manual(),
    );
    setCreated(item);
    setOpen(null);
    setError(null);
  };
  const title = (kind: Kind) =>
    kind === 'hiring' ? [contact.name, contact.title].filter(Boolean).join(' — ') : contact.company || contact.name;
  return (
    <div data-testid="new-item-actions">
      <div class="row">
        {(Object.keys(KINDS) as Kind[]).map((k) => (
          <button key={k} type="button" data-testid={KINDS[k].testid} aria-expanded={open?.kind === k} onClick={() => openForm(k)}>
            {KINDS[k].label}
          </button>
        ))}
      </div>
      {open && (
        <ItemForm
          key={open.kind}
          class={formClass}
          pipelines={open.pipelines}
          initial={{ pipelineId: open.pipelines[0]?.id, title: title(open.kind) }}
          links={
            <p class="small muted">
              Links {contact.name}
              {contact.company ? ` and ${contact.company}` : ''}.
            </p>
          }
          onSave={save}
          onCancel={() => setOpen(null)}
        />
      )}
      {created && (
        <p class="ok small" role="status" data-testid="item-created" data-id={created.id}>
          Created: {created.title}{' '}
          <button type="button" class="link" data-testid="item-open" onClick={() => onOpenItem(itemPath(created.id))}>
            Open its page
          </button>
        </p>
      )}
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
      <PersonItems contactId={contact.id} onMove={(id, stageId) => moveItemTo(id, stageId)} href={itemHref} newTab={newTab} />
    </div>
  );
}
