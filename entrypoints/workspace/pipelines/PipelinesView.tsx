// `#/pipelines` (goes to the first pipeline) and `#/pipelines/<id>`: a pipeline's board (columns =
// stages, cards = items), its table with `?view=table`, a new item, the pipeline's settings, and the
// CSV export. Reads through liveQuery; the board itself is in Board.tsx (decision 0055).
import { route } from 'preact-router';
import { useEffect, useState } from 'preact/hooks';
import { ItemForm } from '../../../components/ItemForm';
import { useLiveState } from '../../../components/use-live-query';
import { getDb } from '../../../storage/db';
import { createItem, listPipelines } from '../../../storage/pipelines';
import type { Pipeline } from '../../../storage/schema';
import { pipelinePath, routeQuery } from '../routes';
import { Board } from './Board';
import { ExportPipelineCsv } from './ExportPipelineCsv';
import { ItemTable } from './ItemTable';
import { PipelineSettings } from './PipelineSettings';
import './pipelines.css';

function NewItem({ pipeline, onClose }: { pipeline: Pipeline; onClose: () => void }) {
  return (
    <section class="pl-new" aria-label="New item">
      <ItemForm
        class="ws-form pl-form"
        pipelines={[pipeline]}
        initial={{ pipelineId: pipeline.id }}
        onCancel={onClose}
        onSave={async (r) => {
          await createItem(r.pipelineId, { ...r.fields, stageId: r.stageId }, { type: 'manual', at: new Date().toISOString() });
          onClose();
        }}
      />
    </section>
  );
}

const NEW_LABEL: Record<Pipeline['kind'], string> = { sales: 'New deal', hiring: 'New candidate', service: 'New case', custom: 'New item' };

export function PipelinesView({ id, url }: { path: string; id?: string; url?: string }) {
  // The defaults are created on first use, outside the live query (which may only read).
  useEffect(() => void listPipelines(), []);
  const live = useLiveState(async () => (await getDb().pipelines.toArray()).sort((a, b) => a.position - b.position), []);
  const [panel, setPanel] = useState<'new' | 'settings' | undefined>(undefined);
  const table = new URLSearchParams(routeQuery(url ?? location.hash.slice(1))).get('view') === 'table';
  if (live.state === 'loading') return <section class="pl-view" aria-busy="true" />;
  if (live.state === 'error') return <p class="error">{live.message}</p>;
  const pipelines = live.value;
  if (!pipelines.length) return <section class="pl-view" aria-busy="true" />;
  const pipeline = pipelines.find((p) => p.id === id);
  if (!pipeline) {
    if (pipelines[0] && !id) {
      route(pipelinePath(pipelines[0].id), true);
      return null;
    }
    return (
      <section class="pl-view" data-testid="pipelines-list">
        <h2>Pipelines</h2>
        {id && <p class="muted">That pipeline no longer exists.</p>}
        <ul>
          {pipelines.map((p) => (
            <li key={p.id}>
              <a href={`#${pipelinePath(p.id)}`}>{p.name}</a>
            </li>
          ))}
        </ul>
      </section>
    );
  }
  const toggle = (which: 'new' | 'settings') => setPanel((p) => (p === which ? undefined : which));
  return (
    <section class="pl-view" data-testid="pipeline-view" data-pipeline={pipeline.id}>
      <header class="pl-head">
        <nav class="pl-tabs" aria-label="Pipelines" data-testid="pipeline-tabs">
          {pipelines.map((p) => (
            <a
              key={p.id}
              href={`#${pipelinePath(p.id, table ? 'table' : 'board')}`}
              class={p.id === pipeline.id ? 'active' : undefined}
              aria-current={p.id === pipeline.id ? 'page' : undefined}
              data-testid="pipeline-tab"
            >
              {p.name}
            </a>
          ))}
        </nav>
        <div class="pl-actions">
          <a data-testid="view-board" href={`#${pipelinePath(pipeline.id)}`} aria-current={table ? undefined : 'page'}>
            Board
          </a>
          <a data-testid="view-table" href={`#${pipelinePath(pipeline.id, 'table')}`} aria-current={table ? 'page' : undefined}>
            Table
          </a>
          <ExportPipelineCsv pipeline={pipeline} />
          <button
            type="button"
            data-testid="pipeline-settings-toggle"
            aria-expanded={panel === 'settings'}
            onClick={() => toggle('settings')}
          >
            Settings
          </button>
          <button type="button" class="primary" data-testid="item-new" aria-expanded={panel === 'new'} onClick={() => toggle('new')}>
            {NEW_LABEL[pipeline.kind]}
          </button>
        </div>
      </header>
      {panel === 'new' && <NewItem key={pipeline.id} pipeline={pipeline} onClose={() => setPanel(undefined)} />}
      {panel === 'settings' && <PipelineSettings key={pipeline.id} pipeline={pipeline} />}
      {table ? <ItemTable pipeline={pipeline} /> : <Board key={pipeline.id} pipeline={pipeline} />}
    </section>
  );
}
