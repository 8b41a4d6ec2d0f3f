import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { CASE_CATEGORIES, CASE_PRIORITIES, type Pipeline, type PipelineItem } from '../storage/schema';
import { FieldError } from './FieldError';

/** What the form hands back for a new or edited item (storage/pipelines.ts ItemFields plus where it goes). */
export interface ItemFormResult {
  pipelineId: string;
  stageId: string;
  fields: {
    title: string;
    amount?: number;
    currency?: string;
    closeDate?: string;
    category?: PipelineItem['category'];
    priority?: PipelineItem['priority'];
    role?: string;
    source?: string;
    notes?: string;
  };
}

/** Initial values: an item being edited, or what the page already knows (a thread's subject, a complaint). */
export type ItemFormInitial = Partial<
  Pick<PipelineItem, 'title' | 'amount' | 'currency' | 'closeDate' | 'category' | 'priority' | 'role' | 'source' | 'notes'>
> & {
  pipelineId?: string;
  stageId?: string;
};

interface Values {
  pipelineId: string;
  stageId: string;
  title: string;
  amount: string;
  currency: string;
  closeDate: string;
  category: string;
  priority: string;
  role: string;
  source: string;
  notes: string;
}

function errorsOf(e: unknown): Record<string, string> {
  const fields = (e as { fields?: unknown } | null)?.fields;
  if (e instanceof Error && e.name === 'ValidationError' && fields && typeof fields === 'object') return fields as Record<string, string>;
  return { form: e instanceof Error ? e.message : String(e) };
}

/** The form's values → the item's fields for its pipeline's kind; messages for what does not parse. */
export function itemFieldsOf(v: Values, kind: Pipeline['kind']): { result?: ItemFormResult; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const title = v.title.trim();
  if (!title) errors.title = 'An item needs a title.';
  const fields: ItemFormResult['fields'] = { title };
  if (kind === 'sales' || kind === 'custom') {
    if (v.amount.trim()) {
      const amount = Number(v.amount.replace(/[\s,]/g, ''));
      if (!Number.isFinite(amount) || amount < 0) errors.amount = 'The amount is a number, 0 or more.';
      else fields.amount = amount;
    }
    if (v.currency.trim()) fields.currency = v.currency.trim().toUpperCase();
    if (v.closeDate) fields.closeDate = v.closeDate;
  }
  if (kind === 'service') {
    if (v.category) fields.category = v.category as PipelineItem['category'];
    if (v.priority) fields.priority = v.priority as PipelineItem['priority'];
  }
  if (kind === 'hiring') {
    if (v.role.trim()) fields.role = v.role.trim();
    if (v.source.trim()) fields.source = v.source.trim();
  }
  if (v.notes.trim()) fields.notes = v.notes.trim();
  if (Object.keys(errors).length) return { errors };
  return { result: { pipelineId: v.pipelineId, stageId: v.stageId, fields }, errors };
}

const CATEGORY_LABEL: Record<string, string> = { question: 'Question', request: 'Request', complaint: 'Complaint', incident: 'Incident' };
const PRIORITY_LABEL: Record<string, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };

/**
 * A pipeline item's form (workspace board, item page, sidebar, popup): the pipeline and stage, a
 * title, and the fields of the pipeline's kind — amount, currency and expected close for deals;
 * category and priority for cases; role and source for candidates. `links` shows what the page
 * links it to (people, thread). Writing is the page's: `onSave` does it and throws to report a
 * failure; a ValidationError's messages show under their fields.
 */
export function ItemForm({
  pipelines,
  initial = {},
  editing = false,
  onSave,
  onCancel,
  links,
  class: cls = 'sb-form',
}: {
  pipelines: Pipeline[];
  initial?: ItemFormInitial;
  /** An existing item: its pipeline and stage are not changed here (the board moves it). */
  editing?: boolean;
  onSave: (r: ItemFormResult) => Promise<void>;
  onCancel?: () => void;
  links?: ComponentChildren;
  class?: string;
}) {
  const first = pipelines.find((p) => p.id === initial.pipelineId) ?? pipelines[0];
  const [v, setV] = useState<Values>(() => ({
    pipelineId: first?.id ?? '',
    stageId: initial.stageId ?? first?.stages[0]?.id ?? '',
    title: initial.title ?? '',
    amount: initial.amount !== undefined ? String(initial.amount) : '',
    currency: initial.currency ?? first?.currency ?? '',
    closeDate: initial.closeDate?.slice(0, 10) ?? '',
    category: initial.category ?? '',
    priority: initial.priority ?? 'normal',
    role: initial.role ?? '',
    source: initial.source ?? '',
    notes: initial.notes ?? '',
  }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const pipeline = pipelines.find((p) => p.id === v.pipelineId) ?? first;
  if (!pipeline) return <p class="muted">No pipeline yet.</p>;
  const set = (key: keyof Values) => (e: Event) => setV((old) => ({ ...old, [key]: (e.target as HTMLInputElement).value }));
  const kind = pipeline.kind;
  return (
    <form
      class={cls}
      data-testid="item-form"
      data-kind={kind}
      onSubmit={(e) => {
        e.preventDefault();
        const out = itemFieldsOf(v, kind);
        if (!out.result) return setErrors(out.errors);
        setBusy(true);
        onSave(out.result)
          .then(
            () => setErrors({}),
            (err: unknown) => setErrors(errorsOf(err)),
          )
          .finally(() => setBusy(false));
      }}
    >
      {!editing && pipelines.length > 1 && (
        <select
          aria-label="Pipeline"
          name="pipeline"
          value={v.pipelineId}
          onChange={(e) => {
            const next = pipelines.find((p) => p.id === (e.target as HTMLSelectElement).value);
            if (next)
              setV((old) => ({ ...old, pipelineId: next.id, stageId: next.stages[0]?.id ?? '', currency: next.currency ?? old.currency }));
          }}
        >
          {pipelines.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      )}
      {!editing && (
        <select aria-label="Stage" name="stage" value={v.stageId} onChange={set('stageId')}>
          {pipeline.stages.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      )}
      <input aria-label="Title" name="title" placeholder="Title" value={v.title} onInput={set('title')} />
      <FieldError errors={errors} name="title" />
      {(kind === 'sales' || kind === 'custom') && (
        <div class="row">
          <input
            aria-label="Amount"
            name="amount"
            inputMode="decimal"
            placeholder="Amount"
            size={10}
            value={v.amount}
            onInput={set('amount')}
          />
          <input
            aria-label="Currency"
            name="currency"
            placeholder="EUR"
            size={4}
            maxLength={3}
            value={v.currency}
            onInput={set('currency')}
          />
          <input aria-label="Expected close" name="closeDate" type="date" value={v.closeDate} onInput={set('closeDate')} />
        </div>
      )}
      <FieldError errors={errors} name="amount" />
      <FieldError errors={errors} name="currency" />
      <FieldError errors={errors} name="closeDate" />
      {kind === 'service' && (
        <div class="row">
          <select aria-label="Category" name="category" value={v.category} onChange={set('category')}>
            <option value="">Category…</option>
            {CASE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABEL[c] ?? c}
              </option>
            ))}
          </select>
          <select aria-label="Priority" name="priority" value={v.priority} onChange={set('priority')}>
            {CASE_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABEL[p] ?? p} priority
              </option>
            ))}
          </select>
        </div>
      )}
      {kind === 'hiring' && (
        <div class="row">
          <input aria-label="Role" name="role" placeholder="Role" value={v.role} onInput={set('role')} />
          <input aria-label="Source" name="source" placeholder="Source (referral, LinkedIn…)" value={v.source} onInput={set('source')} />
        </div>
      )}
      <textarea aria-label="Notes" name="notes" placeholder="Notes" rows={2} value={v.notes} onInput={set('notes')} />
      {links}
      <FieldError errors={errors} name="form" />
      <FieldError errors={errors} name="pipeline" />
      <FieldError errors={errors} name="stage" />
      <div class="row">
        <button type="submit" class="primary" data-testid="item-save" disabled={busy}>
          {editing ? 'Save' : 'Create'}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
