// Parts of the item page: the stage select and the won/lost or resolution fields, the case's SLA
// facts, the stage history.
import { useEffect, useState } from 'preact/hooks';
import { formatDate } from '../../../components/format';
import { describeStorageError } from '../../../storage/errors';
import { editItem, moveItemTo } from '../../../storage/pipelines';
import type { Pipeline, PipelineItem, StageChange } from '../../../storage/schema';
import { firstResponseMs, formatDuration, resolutionMs, slaDueText, slaState } from '../../../storage/sla';
import { stagesWithTime } from './item-data';

/** The stage select (option values = stage names, as on the board) and quick won / lost moves. */
export function StageControl({ item, pipeline, onError }: { item: PipelineItem; pipeline: Pipeline; onError: (m: string) => void }) {
  const current = pipeline.stages.find((s) => s.id === item.stageId);
  const move = (stageId: string) => void moveItemTo(item.id, stageId).catch((e: unknown) => onError(describeStorageError(e)));
  const firstOf = (category: 'won' | 'lost') => pipeline.stages.find((s) => s.category === category);
  const won = firstOf('won');
  const lost = firstOf('lost');
  return (
    <div class="row item-stage">
      <label class="row">
        <span>Stage</span>
        <select
          data-testid="item-move"
          aria-label="Stage"
          value={current?.name ?? ''}
          onChange={(e) => {
            const to = pipeline.stages.find((s) => s.name === e.currentTarget.value);
            if (to) move(to.id);
          }}
        >
          {!current && <option value="">(stage removed)</option>}
          {pipeline.stages.map((s) => (
            <option key={s.id} value={s.name}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      {current?.category === 'open' && won && (
        <button type="button" data-testid="item-won" onClick={() => move(won.id)}>
          {pipeline.kind === 'hiring' ? 'Hired' : 'Won'}
        </button>
      )}
      {current?.category === 'open' && lost && (
        <button type="button" data-testid="item-lost" onClick={() => move(lost.id)}>
          {pipeline.kind === 'hiring' ? 'Rejected' : 'Lost'}
        </button>
      )}
      {current && current.category !== 'open' && item.closedAt && (
        <span class="muted" data-testid="item-closed">
          {current.category === 'won' ? 'Won' : current.category === 'lost' ? 'Lost' : 'Resolved'} {formatDate(item.closedAt)}
        </span>
      )}
    </div>
  );
}

/** A text saved on blur (lost reason, resolution). */
function SavedText({
  label,
  testid,
  value,
  onSave,
  rows = 2,
}: {
  label: string;
  testid: string;
  value: string;
  onSave: (text: string) => Promise<unknown>;
  rows?: number;
}) {
  const [text, setText] = useState(value);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => setText(value), [value]);
  return (
    <label class="item-text">
      <span>{label}</span>
      <textarea
        data-testid={testid}
        rows={rows}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onBlur={() => {
          if (text.trim() !== value)
            onSave(text.trim()).then(
              () => setError(undefined),
              (e: unknown) => setError(describeStorageError(e)),
            );
        }}
      />
      {error && (
        <span class="error small" role="alert">
          {error}
        </span>
      )}
    </label>
  );
}

/** Why a deal was lost (once in a lost stage), how a case was resolved (service pipelines). */
export function Outcome({ item, pipeline }: { item: PipelineItem; pipeline: Pipeline }) {
  const stage = pipeline.stages.find((s) => s.id === item.stageId);
  return (
    <>
      {stage?.category === 'lost' && (
        <SavedText
          label="Lost reason"
          testid="item-lost-reason"
          value={item.lostReason ?? ''}
          onSave={(t) => editItem(item.id, { lostReason: t || undefined })}
        />
      )}
      {pipeline.kind === 'service' && (
        <SavedText
          label="Resolution"
          testid="item-resolution"
          rows={3}
          value={item.resolution ?? ''}
          onSave={(t) => editItem(item.id, { resolution: t || undefined })}
        />
      )}
    </>
  );
}

const LABEL: Record<string, string> = { question: 'Question', request: 'Request', complaint: 'Complaint', incident: 'Incident' };

/** A case's category, priority, SLA due time (marked overdue while open and past it), response and resolution times. */
export function CaseFacts({ item, now }: { item: PipelineItem; now: Date }) {
  const state = slaState(item, now);
  const first = firstResponseMs(item);
  const resolved = resolutionMs(item);
  return (
    <dl class="item-facts" data-testid="case-facts">
      <dt>Category</dt>
      <dd data-testid="case-category">{item.category ? LABEL[item.category] : '—'}</dd>
      <dt>Priority</dt>
      <dd data-testid="case-priority">{item.priority ?? 'normal'}</dd>
      <dt>SLA due</dt>
      <dd
        data-testid="sla-due"
        data-state={state}
        data-due={item.slaDueAt ?? ''}
        data-overdue={state === 'overdue' ? 'true' : 'false'}
        class={state === 'overdue' ? 'overdue' : state === 'due-soon' ? 'due-soon' : undefined}
      >
        {item.slaDueAt ? slaDueText(item, now) : 'No SLA'}
      </dd>
      <dt>First response</dt>
      <dd data-testid="first-response">{first !== undefined ? `after ${formatDuration(first)}` : 'not yet'}</dd>
      <dt>Resolution</dt>
      <dd data-testid="resolution-time">{resolved !== undefined ? `after ${formatDuration(resolved)}` : 'open'}</dd>
    </dl>
  );
}

/** Every stage the item went through: from → to, when, and how long it stayed. */
export function StageHistory({ history, pipeline, now }: { history: StageChange[]; pipeline?: Pipeline; now: Date }) {
  const name = (id: string | undefined) => (id ? (pipeline?.stages.find((s) => s.id === id)?.name ?? `${id} (removed)`) : '');
  return (
    <ol class="item-history" data-testid="stage-history">
      {stagesWithTime(history, now).map(({ change, ms, current }) => (
        <li key={change.id} data-testid="stage-change" data-from={change.from ? name(change.from) : undefined} data-to={name(change.to)}>
          {change.from ? `${name(change.from)} → ${name(change.to)}` : `Created in ${name(change.to)}`}
          <span class="muted">
            {' · '}
            {formatDate(change.at)} · {current ? `${formatDuration(ms)} so far` : `${formatDuration(ms)} in stage`}
          </span>
        </li>
      ))}
    </ol>
  );
}
