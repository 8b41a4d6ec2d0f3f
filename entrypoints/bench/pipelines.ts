// Test-build helpers for pipelines (tests/bench/pipelines.bench.mjs, tests/e2e/pipelines-board.test.ts):
// a pipeline seeded with many items as a restore writes them, the bench's baseline (every item of the
// pipeline read with Dexie and grouped in memory), and an item's stage history read back.
import { allItemsOf } from '../workspace/pipelines/board-data';
import { getDb } from '../../storage/db';
import { columnTotals } from '../../storage/pipeline-logic';
import { editPipeline, listPipelines, stageHistory } from '../../storage/pipelines';
import { putRecords, writeScope } from '../../storage/records';
import type { Contact, PipelineItem } from '../../storage/schema';

/** How a seeded pipeline's items spread over its stages, first to last (a funnel). */
const FUNNEL = [40, 20, 15, 10, 10, 5];

/**
 * `count` items in pipeline `pipelineId` (its earlier items and their history removed first), spread
 * over the stages as a funnel, amounts in the pipeline's currency (one in twenty in USD), each linked
 * to one of 500 people; the pipeline's currency set to EUR.
 */
async function seedPipeline(count: number, pipelineId = 'pl_sales') {
  const db = getDb();
  const pipeline = (await listPipelines(db)).find((p) => p.id === pipelineId);
  if (!pipeline) throw new Error(`no pipeline ${pipelineId}`);
  await editPipeline(pipelineId, { currency: 'EUR' }, db);
  const at = new Date().toISOString();
  const people: Contact[] = Array.from({ length: 500 }, (_, i) => ({
    id: `ct_bench_pl_${i}`,
    name: `Buyer ${i}`,
    emails: [],
    phones: [],
    tags: [],
    createdAt: at,
    updatedAt: at,
    sources: [{ type: 'manual', at }],
  }));
  await db.transaction('rw', writeScope(db, 'contact'), () => putRecords(db, 'contact', people));
  const weights = pipeline.stages.map((_, i) => FUNNEL[i] ?? 5);
  const sum = weights.reduce((a, b) => a + b, 0);
  const stageAt = (i: number) => {
    let x = ((i * 7919) % count) / count;
    for (let s = 0; s < weights.length; s++) {
      x -= weights[s] / sum;
      if (x < 0) return pipeline.stages[s].id;
    }
    return pipeline.stages[weights.length - 1].id;
  };
  await db.transaction('rw', db.items, db.stageChanges, async () => {
    const old = await db.items.where('[pipelineId+stageId]').between([pipelineId, ''], [pipelineId, '\uffff']).primaryKeys();
    await db.items.bulkDelete(old);
    await db.stageChanges.where('[pipelineId+at]').between([pipelineId, ''], [pipelineId, '\uffff']).delete();
  });
  const batch = 5000;
  for (let start = 0; start < count; start += batch) {
    const rows: PipelineItem[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      rows.push({
        id: `it_bench_${String(i).padStart(6, '0')}`,
        pipelineId,
        stageId: stageAt(i),
        title: `Deal ${i} — ${['renewal', 'expansion', 'new logo', 'pilot'][i % 4]}`,
        contactIds: [`ct_bench_pl_${i % 500}`],
        threadIds: [],
        amount: 500 + ((i * 37) % 20_000),
        currency: i % 20 === 0 ? 'USD' : 'EUR',
        notes: `Seeded item ${i} for the pipelines bench.`,
        stageEnteredAt: at,
        createdAt: at,
        updatedAt: at,
        sources: [{ type: 'manual', at }],
      });
    }
    await db.transaction('rw', db.items, () => db.items.bulkPut(rows));
  }
  return { items: await db.items.where('[pipelineId+stageId]').between([pipelineId, ''], [pipelineId, '\uffff']).count() };
}

/** The baseline: every item of the pipeline read with Dexie, grouped by stage in memory, totals computed. */
async function loadAllAndGroup(pipelineId = 'pl_sales') {
  const t = performance.now();
  const pipeline = (await listPipelines()).find((p) => p.id === pipelineId)!;
  const items = await allItemsOf(pipelineId);
  const byStage = new Map<string, PipelineItem[]>(pipeline.stages.map((s) => [s.id, []]));
  for (const item of items) byStage.get(item.stageId)?.push(item);
  const totals = columnTotals(items, pipeline);
  return { ms: performance.now() - t, items: items.length, counts: totals.map((c) => c.count) };
}

export const pipelineBench = {
  seedPipeline,
  loadAllAndGroup,
  stageHistory: (itemId: string) => stageHistory(itemId),
  itemsTitled: (title: string) =>
    getDb()
      .items.filter((i) => i.title === title)
      .toArray(),
};
