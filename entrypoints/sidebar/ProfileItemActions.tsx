// "Add to hiring pipeline" from a LinkedIn profile or lead (issue 18 item 3): the person is saved
// first (as any action on the card does), then linked to a new candidate item.
import { useState } from 'preact/hooks';
import type { ProfileLike } from '../../capture/actions';
import { ItemForm, type ItemFormResult } from '../../components/ItemForm';
import { describeStorageError } from '../../storage/errors';
import { createItem, listPipelines } from '../../storage/pipelines';
import type { Contact, Pipeline, PipelineItem, Source } from '../../storage/schema';
import { candidateTitle } from './candidate-title';
import { CreatedItem, pipelinesFor } from './items';

export function ProfileItemActions({
  capture,
  ensureSaved,
  source,
}: {
  capture: ProfileLike;
  ensureSaved: () => Promise<Contact>;
  source: () => Source;
}) {
  const [pipelines, setPipelines] = useState<Pipeline[] | null>(null);
  const [created, setCreated] = useState<{ item: PipelineItem; pipeline?: Pipeline } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const currentTitle = capture.kind === 'profile' ? capture.currentTitle : capture.title;
  const toggle = () => {
    if (pipelines) return setPipelines(null);
    void listPipelines().then(
      (all) => setPipelines(pipelinesFor(all, ['hiring'])),
      (e: unknown) => setError(describeStorageError(e)),
    );
  };
  // A failure shows in the form (field messages under their fields).
  const save = async (r: ItemFormResult) => {
    const person = await ensureSaved();
    const item = await createItem(r.pipelineId, { ...r.fields, stageId: r.stageId, contactIds: [person.id] }, source());
    setCreated({ item, pipeline: pipelines?.find((p) => p.id === item.pipelineId) });
    setPipelines(null);
    setError(null);
  };
  return (
    <div data-testid="profile-item-actions">
      <div class="sb-actions">
        <button data-testid="add-to-pipeline" aria-expanded={!!pipelines} onClick={toggle}>
          Add to hiring pipeline
        </button>
      </div>
      {pipelines && (
        <ItemForm
          pipelines={pipelines}
          initial={{
            pipelineId: pipelines[0]?.id,
            title: candidateTitle(capture.name, capture.headline, currentTitle),
            source: 'LinkedIn',
          }}
          links={<p class="small muted">Links {capture.name} (saved to Rapport if not yet).</p>}
          onSave={save}
          onCancel={() => setPipelines(null)}
        />
      )}
      {created && <CreatedItem item={created.item} pipeline={created.pipeline} />}
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
