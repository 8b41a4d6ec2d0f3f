// Pipeline items in the sidebar: a card's open items with their stage changed in place, the item
// just created with a link to its page, and the pipelines a button offers.
import type { ComponentChildren } from 'preact';
import { browser } from 'wxt/browser';
import { PersonItems } from '../../components/PersonItems';
import { moveItemTo } from '../../storage/pipelines';
import type { Pipeline, PipelineItem } from '../../storage/schema';
import { itemPath, workspaceHref } from '../workspace/routes';

/** The item's page in the workspace, opened in a tab of its own (the sidebar lives inside a site). */
export const itemUrl = (id: string): string => browser.runtime.getURL(workspaceHref(itemPath(id)) as '/workspace.html');

/** The pipelines of these kinds, first kind first (the one a button means); all of them when none is left. */
export function pipelinesFor(all: Pipeline[], kinds: Pipeline['kind'][]): Pipeline[] {
  const fit = all.filter((p) => kinds.includes(p.kind)).sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind));
  return fit.length ? fit : all;
}

/** A saved person's open items on their card. */
export function CardItems({ contactId }: { contactId: string }) {
  return <PersonItems contactId={contactId} onMove={(id, stageId) => moveItemTo(id, stageId)} href={itemUrl} newTab />;
}

const KIND_WORD: Record<Pipeline['kind'], string> = { sales: 'Deal', hiring: 'Candidate', service: 'Case', custom: 'Item' };

/** What was just created, with a link to its page. */
export function CreatedItem({ item, pipeline, children }: { item: PipelineItem; pipeline?: Pipeline; children?: ComponentChildren }) {
  const stage = pipeline?.stages.find((s) => s.id === item.stageId);
  return (
    <p class="ok small" role="status" data-testid="item-created" data-id={item.id} data-kind={pipeline?.kind ?? ''}>
      {KIND_WORD[pipeline?.kind ?? 'custom']} created in {pipeline?.name ?? 'its pipeline'}
      {stage ? ` (${stage.name})` : ''}:{' '}
      <a href={itemUrl(item.id)} target="_blank" rel="noopener noreferrer" data-testid="item-open" dir="auto">
        {item.title}
      </a>{' '}
      {children}
    </p>
  );
}
