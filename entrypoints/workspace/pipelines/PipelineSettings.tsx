// A pipeline's settings on its board: name, currency, the SLA policy (service), and its stages —
// rename, reorder, add, remove (asking where the items of a stage in use go), category and
// probability. Every change is saved at once through storage/pipelines.ts.
import { useState } from 'preact/hooks';
import { DEFAULT_SLA_HOURS, type StageEdit, StageEditError, newStageId } from '../../../storage/pipeline-logic';
import { editPipeline, editPipelineStages } from '../../../storage/pipelines';
import { CASE_PRIORITIES, type Pipeline, STAGE_CATEGORIES, type Stage } from '../../../storage/schema';
import { parsePercent } from './board-view';

const CATEGORY_LABEL: Record<Stage['category'], string> = { open: 'Open', won: 'Won', lost: 'Lost', resolved: 'Resolved' };
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function StageRow({
  pipeline,
  stage,
  index,
  edit,
}: {
  pipeline: Pipeline;
  stage: Stage;
  index: number;
  edit: (e: StageEdit) => Promise<void>;
}) {
  const [asking, setAsking] = useState<{ items: number } | undefined>(undefined);
  const others = pipeline.stages.filter((s) => s.id !== stage.id);
  const [destination, setDestination] = useState(others[0]?.id ?? '');
  const categories = STAGE_CATEGORIES.filter((c) => (pipeline.kind === 'service' ? c !== 'won' && c !== 'lost' : c !== 'resolved'));
  const ignore = () => {}; // the settings panel shows the error
  const remove = () =>
    edit({ op: 'remove', stageId: stage.id }).catch((e: unknown) => {
      if (e instanceof StageEditError && e.needsDestination) setAsking({ items: e.needsDestination.items });
    });
  return (
    <li class="pl-stage" data-testid="stage-row" data-stage={stage.name}>
      <input
        aria-label="Stage name"
        data-testid="stage-name"
        value={stage.name}
        onChange={(e) => edit({ op: 'rename', stageId: stage.id, name: (e.target as HTMLInputElement).value }).catch(ignore)}
      />
      <select
        aria-label={`Category of ${stage.name}`}
        data-testid="stage-category"
        value={stage.category}
        onChange={(e) =>
          edit({ op: 'set', stageId: stage.id, category: (e.target as HTMLSelectElement).value as Stage['category'] }).catch(ignore)
        }
      >
        {categories.map((c) => (
          <option key={c} value={c}>
            {CATEGORY_LABEL[c]}
          </option>
        ))}
      </select>
      {pipeline.kind === 'sales' && (
        <label>
          <input
            aria-label={`Probability of ${stage.name} (%)`}
            data-testid="stage-probability"
            inputMode="decimal"
            size={4}
            value={stage.probability !== undefined ? String(Math.round(stage.probability * 1000) / 10) : ''}
            onChange={(e) => {
              const p = parsePercent((e.target as HTMLInputElement).value);
              edit({ op: 'set', stageId: stage.id, probability: p === undefined ? null : p }).catch(ignore);
            }}
          />
          %
        </label>
      )}
      <button
        type="button"
        data-testid="stage-up"
        aria-label={`Move ${stage.name} left`}
        disabled={index === 0}
        onClick={() => edit({ op: 'move', stageId: stage.id, index: index - 1 }).catch(ignore)}
      >
        ←
      </button>
      <button
        type="button"
        data-testid="stage-down"
        aria-label={`Move ${stage.name} right`}
        disabled={index === pipeline.stages.length - 1}
        onClick={() => edit({ op: 'move', stageId: stage.id, index: index + 1 }).catch(ignore)}
      >
        →
      </button>
      <button type="button" data-testid="stage-remove" onClick={() => void remove()}>
        Remove
      </button>
      {asking && (
        <div
          class="pl-stage-destination"
          data-testid="stage-destination-prompt"
          role="group"
          aria-label={`Where the items of ${stage.name} go`}
        >
          <span>
            “{stage.name}” holds {asking.items} item{asking.items === 1 ? '' : 's'}. Move them to
          </span>
          <select
            aria-label="Move its items to"
            data-testid="stage-destination"
            value={destination}
            onChange={(e) => setDestination((e.target as HTMLSelectElement).value)}
          >
            {others.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="primary"
            data-testid="stage-remove-confirm"
            onClick={() =>
              void edit({ op: 'remove', stageId: stage.id, moveItemsTo: destination }).then(() => setAsking(undefined), ignore)
            }
          >
            Move them and remove the stage
          </button>
          <button type="button" onClick={() => setAsking(undefined)}>
            Cancel
          </button>
        </div>
      )}
    </li>
  );
}

function AddStage({ pipeline, edit }: { pipeline: Pipeline; edit: (e: StageEdit) => Promise<void> }) {
  const [name, setName] = useState('');
  return (
    <form
      class="row"
      onSubmit={(e) => {
        e.preventDefault();
        const category: Stage['category'] = 'open';
        // A new stage goes before the closed ones (won, lost, resolved), at the end of the open ones.
        const firstClosed = pipeline.stages.findIndex((s) => s.category !== 'open');
        edit({
          op: 'add',
          stage: { id: newStageId(name, pipeline.stages), name, category },
          index: firstClosed < 0 ? pipeline.stages.length : firstClosed,
        }).then(
          () => setName(''),
          () => {},
        );
      }}
    >
      <input
        aria-label="New stage name"
        data-testid="stage-add-name"
        placeholder="New stage"
        value={name}
        onInput={(e) => setName((e.target as HTMLInputElement).value)}
      />
      <button type="submit" data-testid="stage-add">
        Add stage
      </button>
    </form>
  );
}

function SlaPolicy({ pipeline, save }: { pipeline: Pipeline; save: (f: Partial<Pipeline>) => void }) {
  return (
    <fieldset class="pl-sla-policy" data-testid="sla-policy">
      <legend>Time to resolve (hours), by priority</legend>
      {[...CASE_PRIORITIES].reverse().map((p) => (
        <label key={p}>
          {p}
          <input
            data-testid="sla-hours"
            data-priority={p}
            type="number"
            min={1}
            max={24 * 365}
            value={pipeline.slaHours?.[p] ?? DEFAULT_SLA_HOURS[p]}
            onChange={(e) => {
              const hours = Number((e.target as HTMLInputElement).value);
              save({ slaHours: { ...DEFAULT_SLA_HOURS, ...pipeline.slaHours, [p]: hours } });
            }}
          />
        </label>
      ))}
    </fieldset>
  );
}

export function PipelineSettings({ pipeline }: { pipeline: Pipeline }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const edit = async (e: StageEdit) => {
    try {
      await editPipelineStages(pipeline.id, e);
      setError(undefined);
    } catch (err) {
      // A stage in use asks where its items go, in its row; anything else is said here.
      if (!(err instanceof StageEditError && err.needsDestination)) setError(message(err));
      throw err;
    }
  };
  const save = (fields: Partial<Pick<Pipeline, 'name' | 'currency' | 'slaHours'>>) => {
    editPipeline(pipeline.id, fields).then(
      () => setError(undefined),
      (e: unknown) => setError(message((e as { fields?: Record<string, string> }).fields?.name ?? e)),
    );
  };
  return (
    <section class="pl-settings" data-testid="pipeline-settings" aria-label={`Settings of ${pipeline.name}`}>
      <div class="row">
        <label>
          Name{' '}
          <input data-testid="pipeline-name" value={pipeline.name} onChange={(e) => save({ name: (e.target as HTMLInputElement).value })} />
        </label>
        {pipeline.kind !== 'service' && pipeline.kind !== 'hiring' && (
          <label>
            Currency{' '}
            <input
              data-testid="pipeline-currency"
              size={4}
              maxLength={3}
              placeholder="EUR"
              value={pipeline.currency ?? ''}
              onChange={(e) => {
                const c = (e.target as HTMLInputElement).value.trim().toUpperCase();
                if (!/^[A-Z]{3}$/.test(c)) return setError('A currency is a three-letter code such as EUR.');
                save({ currency: c });
              }}
            />
          </label>
        )}
      </div>
      {pipeline.kind === 'service' && <SlaPolicy pipeline={pipeline} save={save} />}
      <h3>Stages</h3>
      <ol class="pl-stages">
        {pipeline.stages.map((s, i) => (
          <StageRow key={s.id} pipeline={pipeline} stage={s} index={i} edit={edit} />
        ))}
      </ol>
      <AddStage pipeline={pipeline} edit={edit} />
      {error && (
        <p class="error" role="alert" data-testid="pipeline-settings-error">
          {error}
        </p>
      )}
    </section>
  );
}
