// Pipeline items from a page of the extension (test builds only): the e2e sync test creates and reads
// items through storage here, as the board will once it exists (tests/e2e/pipelines-sync.test.ts).
import { getDb } from '../../storage/db';
import { createItem, listPipelines, moveItemTo, stageHistory, type ItemFields } from '../../storage/pipelines';

const db = getDb();

Object.assign(globalThis, {
  rapportItems: {
    listPipelines: () => listPipelines(db),
    create: (pipelineId: string, fields: ItemFields & { title: string; stageId?: string }) =>
      createItem(pipelineId, fields, { type: 'manual', at: new Date().toISOString() }, db),
    move: (id: string, stageId: string) => moveItemTo(id, stageId, db),
    get: (id: string) => db.items.get(id),
    history: (id: string) => stageHistory(id, db),
    outboxCount: () => db.outbox.count(),
  },
});
