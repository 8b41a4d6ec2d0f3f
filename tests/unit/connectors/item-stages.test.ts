// Where a pipeline item lands in a CRM without (or beyond) the user's mapping: connectors/item-stages.ts.
import { describe, expect, it } from 'vitest';
import { mappedIds, targetStage } from '../../../connectors/item-stages';
import type { RemotePipeline } from '../../../connectors/types';
import { defaultPipelines } from '../../../storage/pipeline-logic';

const [sales, , service] = defaultPipelines('2026-01-01T00:00:00.000Z');
const crmSales: RemotePipeline = {
  id: 'p1',
  label: 'Pipeline',
  stages: [
    { id: 's1', label: 'Prospecting' },
    { id: 's2', label: 'Qualified' },
    { id: 's4', label: 'Proposals sent' },
    { id: 's3', label: 'Proposal/Price Quote' },
    { id: 'w', label: 'Closed Won', closed: 'won' },
    { id: 'l', label: 'Closed Lost', closed: 'lost' },
  ],
};
const crmNamedSales: RemotePipeline = { id: 'p2', label: ' sales ', stages: [{ id: 'x1', label: 'Lead' }] };
const target = (stageId: string, remote: RemotePipeline[], mapping?: Parameters<typeof targetStage>[2]) => {
  const t = targetStage(sales, stageId, mapping, remote);
  return t && [t.pipeline.id, t.stage.id];
};

describe('targetStage', () => {
  it('takes the pipeline of the same label (case and spaces aside), else the first one listed', () => {
    expect(target('lead', [crmSales, crmNamedSales])).toEqual(['p2', 'x1']);
    expect(target('lead', [crmSales])).toEqual(['p1', 's1']);
    expect(target('lead', [])).toBeUndefined();
  });

  it('takes the stage of the same label, or one whose label starts with the name as a whole word', () => {
    expect(target('qualified', [crmSales])).toEqual(['p1', 's2']);
    // "Proposal" → "Proposal/Price Quote", not "Proposals sent".
    expect(target('proposal', [crmSales])).toEqual(['p1', 's3']);
  });

  it('else the closed stage of the same kind, or the open stage at the same place among the open ones (the last when fewer)', () => {
    expect(target('won', [crmSales])).toEqual(['p1', 'w']);
    expect(target('lost', [crmSales])).toEqual(['p1', 'l']);
    // Negotiation is the fourth open stage here; the CRM's fourth open stage is s3.
    expect(target('negotiation', [crmSales])).toEqual(['p1', 's3']);
    expect(target('negotiation', [{ ...crmSales, stages: crmSales.stages.slice(0, 2) }])).toEqual(['p1', 's2']);
    expect(target('lost', [{ ...crmSales, stages: crmSales.stages.slice(0, 5) }])).toBeUndefined();
    const cases: RemotePipeline = {
      id: 'Case',
      label: 'Cases',
      stages: [
        { id: 'New', label: 'New' },
        { id: 'Closed', label: 'Closed', closed: 'resolved' },
      ],
    };
    const t = targetStage(service, 'resolved', undefined, [cases]);
    expect(t?.stage.id).toBe('Closed');
  });

  it("follows the user's mapping; a stage the mapping leaves out (or that is gone there) is chosen by name in the mapped pipeline", () => {
    const mapping = { pl_sales: { remotePipelineId: 'p1', stages: { lead: 's3', won: 'gone' } } };
    expect(target('lead', [crmNamedSales, crmSales], mapping)).toEqual(['p1', 's3']);
    expect(target('qualified', [crmNamedSales, crmSales], mapping)).toEqual(['p1', 's2']);
    expect(target('won', [crmNamedSales, crmSales], mapping)).toEqual(['p1', 'w']);
    expect(target('lead', [crmNamedSales], mapping)).toBeUndefined();
    expect(mappedIds(sales, 'lead', mapping)).toEqual({ pipelineId: 'p1', stageId: 's3' });
    expect(mappedIds(sales, 'qualified', mapping)).toBeUndefined();
  });
});
