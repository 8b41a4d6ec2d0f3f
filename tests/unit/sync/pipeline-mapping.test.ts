// Default pipeline maps (decision 0054): what the options page proposes on connect, and where a
// connector puts an item of a pipeline the user has not mapped.
import { describe, expect, it } from 'vitest';
import type { RemotePipeline } from '../../../connectors/types';
import { defaultPipelines } from '../../../storage/pipeline-logic';
import { defaultPipelineMap, localStageOf, remoteStageOf, withDefaults } from '../../../sync/pipeline-mapping';

const [sales, hiring, service] = defaultPipelines('2026-01-01T00:00:00.000Z');

const HUBSPOT_DEALS: RemotePipeline[] = [
  {
    id: 'default',
    label: 'Sales Pipeline',
    stages: [
      { id: 'appointmentscheduled', label: 'Appointment Scheduled', probability: 0.2 },
      { id: 'qualifiedtobuy', label: 'Qualified To Buy', probability: 0.4 },
      { id: 'presentationscheduled', label: 'Presentation Scheduled', probability: 0.6 },
      { id: 'decisionmakerboughtin', label: 'Decision Maker Bought-In', probability: 0.8 },
      { id: 'contractsent', label: 'Contract Sent', probability: 0.9 },
      { id: 'closedwon', label: 'Closed Won', probability: 1, closed: 'won' },
      { id: 'closedlost', label: 'Closed Lost', probability: 0, closed: 'lost' },
    ],
  },
  {
    id: 'p2',
    label: 'sales',
    stages: [
      { id: 's1', label: 'LEAD' },
      { id: 's2', label: 'Proposal' },
      { id: 's3', label: 'Signed', closed: 'won' },
      { id: 's4', label: 'Gone', closed: 'lost' },
    ],
  },
];

describe('defaultPipelineMap', () => {
  it('picks the CRM pipeline of the same name, stages by name case-insensitively, else won/lost by category, else by order', () => {
    expect(defaultPipelineMap(sales, HUBSPOT_DEALS)).toEqual({
      remotePipelineId: 'p2',
      stages: { lead: 's1', qualified: 's2', proposal: 's2', negotiation: 's2', won: 's3', lost: 's4' },
    });
  });

  it('without a pipeline of the same name: the CRM’s first (its default), open stages in order, closed ones by category', () => {
    expect(defaultPipelineMap(sales, [HUBSPOT_DEALS[0]])).toEqual({
      remotePipelineId: 'default',
      stages: {
        lead: 'appointmentscheduled',
        qualified: 'qualifiedtobuy',
        proposal: 'presentationscheduled',
        negotiation: 'decisionmakerboughtin',
        won: 'closedwon',
        lost: 'closedlost',
      },
    });
  });

  it('a service pipeline onto tickets: “New” by name, resolved to the closed stage', () => {
    const tickets: RemotePipeline[] = [
      {
        id: '0',
        label: 'Support Pipeline',
        stages: [
          { id: '1', label: 'New' },
          { id: '2', label: 'Waiting on contact' },
          { id: '3', label: 'Waiting on us' },
          { id: '4', label: 'Closed', closed: 'resolved' },
        ],
      },
    ];
    expect(defaultPipelineMap(service, tickets)).toEqual({
      remotePipelineId: '0',
      stages: { new: '1', open: '2', waiting: '3', resolved: '4' },
    });
    // A hiring pipeline's "Hired" (won) takes a resolved stage when that is the only closed one.
    expect(defaultPipelineMap(hiring, tickets)?.stages.hired).toBe('4');
  });

  it('no CRM pipeline: null', () => {
    expect(defaultPipelineMap(sales, [])).toBeNull();
  });

  it('the user’s choice wins; a stage added since falls back to its default inside the chosen pipeline; null means not synced', () => {
    const mapping = { pl_sales: { remotePipelineId: 'default', stages: { lead: 'contractsent' } }, pl_service: null };
    expect(remoteStageOf(sales, 'lead', mapping, HUBSPOT_DEALS)).toEqual({ remotePipelineId: 'default', remoteStageId: 'contractsent' });
    expect(remoteStageOf(sales, 'won', mapping, HUBSPOT_DEALS)).toEqual({ remotePipelineId: 'default', remoteStageId: 'closedwon' });
    expect(remoteStageOf(service, 'new', mapping, HUBSPOT_DEALS)).toBeNull();
    expect(withDefaults([sales, service], HUBSPOT_DEALS, mapping)).toEqual({ ...mapping });
    expect(Object.keys(withDefaults([sales, hiring], HUBSPOT_DEALS, {}))).toEqual(['pl_sales', 'pl_hiring']);
  });

  it('a CRM stage maps back to the first local stage mapped to it, else by category, the nearest earlier mapped stage, the label', () => {
    const map = defaultPipelineMap(sales, [HUBSPOT_DEALS[0]]);
    expect(localStageOf(sales, map, 'closedwon')).toBe('won');
    expect(localStageOf(sales, map, 'contractsent')).toBeUndefined();
    // Knowing the CRM's stages: an unmapped one goes to the local stage of the nearest earlier mapped one.
    expect(localStageOf(sales, map, 'contractsent', HUBSPOT_DEALS[0])).toBe('negotiation');
    expect(localStageOf(sales, null, 'closedlost', HUBSPOT_DEALS[0])).toBe('lost');
    expect(localStageOf(sales, null, 's2', HUBSPOT_DEALS[1])).toBe('proposal');
  });
});
