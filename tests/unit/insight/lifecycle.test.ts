// Life cycle: transitions from pipeline events, inactivity (local days in Berlin, across the spring
// clock change), by hand, with an edited stage list; a replay; and the monthly cohort view.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cohorts,
  DEFAULT_LIFECYCLE_SETTINGS,
  DEFAULT_LIFECYCLE_STAGES,
  nextStage,
  replayStages,
  type LifecycleSettings,
} from '../../../storage/insight/lifecycle';

const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterEach(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = savedTz;
});

const SETTINGS: LifecycleSettings = { ...DEFAULT_LIFECYCLE_SETTINGS, atRiskAfterDays: 30, churnedAfterDays: 90 };

describe('nextStage from pipeline events', () => {
  it('a deal created makes a lead an opportunity, with the entry naming the item', () => {
    expect(nextStage('lead', { kind: 'deal-created', at: '2026-01-05T10:00:00.000Z', itemId: 'i1' }, SETTINGS)).toEqual({
      stage: 'opportunity',
      entry: { from: 'lead', to: 'opportunity', at: '2026-01-05T10:00:00.000Z', cause: 'deal-created', itemId: 'i1' },
    });
    // No stage yet: the entry has no `from`.
    expect(nextStage(undefined, { kind: 'deal-created', at: '2026-01-05T10:00:00.000Z' }, SETTINGS)?.entry).toEqual({
      to: 'opportunity',
      at: '2026-01-05T10:00:00.000Z',
      cause: 'deal-created',
    });
  });

  it('a customer with a new deal stays a customer; a won deal wins back a churned one', () => {
    expect(nextStage('customer', { kind: 'deal-created', at: '2026-01-05T10:00:00.000Z' }, SETTINGS)).toBeUndefined();
    expect(nextStage('churned', { kind: 'deal-won', at: '2026-01-05T10:00:00.000Z', itemId: 'i2' }, SETTINGS)?.entry).toEqual({
      from: 'churned',
      to: 'customer',
      at: '2026-01-05T10:00:00.000Z',
      cause: 'deal-won',
      itemId: 'i2',
    });
    expect(nextStage('customer', { kind: 'deal-won', at: '2026-01-05T10:00:00.000Z' }, SETTINGS)).toBeUndefined();
  });
});

describe('nextStage from inactivity', () => {
  // Last two-way: 1 March 00:30 CET (2026-02-28T23:30Z). 30 local days later is 31 March, after the
  // clock change: 31 March 00:00 CEST = 2026-03-30T22:00Z (30 days less one hour of elapsed time).
  const inactive = (at: string, lastTwoWayAt?: string) => ({
    kind: 'inactivity' as const,
    at,
    lastTwoWayAt,
    customerSince: '2026-01-01T10:00:00.000Z',
  });

  it('at risk from the first minute of the 30th local day', () => {
    expect(nextStage('customer', inactive('2026-03-30T21:59:00.000Z', '2026-02-28T23:30:00.000Z'), SETTINGS)).toBeUndefined(); // 29 days
    expect(nextStage('customer', inactive('2026-03-30T22:00:00.000Z', '2026-02-28T23:30:00.000Z'), SETTINGS)?.entry).toEqual({
      from: 'customer',
      to: 'at-risk',
      at: '2026-03-30T22:00:00.000Z',
      cause: 'inactivity',
    });
  });

  it('churned straight from customer after 90 days without any two-way interaction since becoming a customer', () => {
    // 1 January to 1 April = 31 + 28 + 31 = 90 days.
    expect(nextStage('customer', inactive('2026-04-01T08:00:00.000Z'), SETTINGS)?.stage).toBe('churned');
    expect(nextStage('customer', inactive('2026-03-31T08:00:00.000Z'), SETTINGS)?.stage).toBe('at-risk'); // 89 days
  });

  it('an at-risk customer who talks again is a customer; a churned one needs a won deal', () => {
    expect(nextStage('at-risk', inactive('2026-04-01T08:00:00.000Z', '2026-03-27T08:00:00.000Z'), SETTINGS)?.stage).toBe('customer');
    expect(nextStage('churned', inactive('2026-04-01T08:00:00.000Z', '2026-03-27T08:00:00.000Z'), SETTINGS)).toBeUndefined();
    expect(nextStage('lead', inactive('2026-12-01T08:00:00.000Z'), SETTINGS)).toBeUndefined();
  });
});

describe('an edited stage list', () => {
  const EDITED: LifecycleSettings = {
    ...SETTINGS,
    stages: [...DEFAULT_LIFECYCLE_STAGES.filter((s) => s.id !== 'at-risk'), { id: 'advocate', label: 'Advocate' }],
  };

  it('rules whose stage was removed do nothing; by hand any listed stage, never an unlisted one', () => {
    const at = '2026-03-01T10:00:00.000Z';
    // 40 days inactive: would be at risk, which is gone; 90 still churns.
    expect(nextStage('customer', { kind: 'inactivity', at, customerSince: '2026-01-20T10:00:00.000Z' }, EDITED)).toBeUndefined();
    expect(nextStage('customer', { kind: 'inactivity', at, customerSince: '2025-11-01T10:00:00.000Z' }, EDITED)?.stage).toBe('churned');
    expect(nextStage('customer', { kind: 'manual', at, to: 'advocate' }, EDITED)?.entry).toEqual({
      from: 'customer',
      to: 'advocate',
      at,
      cause: 'manual',
    });
    expect(nextStage('customer', { kind: 'manual', at, to: 'at-risk' }, EDITED)).toBeUndefined();
  });

  it('a stage no longer listed counts as none: a deal makes an opportunity of it', () => {
    expect(nextStage('at-risk', { kind: 'deal-created', at: '2026-03-01T10:00:00.000Z' }, EDITED)?.entry).toEqual({
      to: 'opportunity',
      at: '2026-03-01T10:00:00.000Z',
      cause: 'deal-created',
    });
  });
});

describe('replayStages', () => {
  it('replays events in time order into the stage and its history', () => {
    const r = replayStages(
      [
        { kind: 'deal-won', at: '2026-02-01T10:00:00.000Z', itemId: 'i1' },
        { kind: 'deal-created', at: '2026-01-10T10:00:00.000Z', itemId: 'i1' },
        // 1 February to 15 March = 28 + 14 = 42 days: at risk (30), not churned (90).
        { kind: 'inactivity', at: '2026-03-15T10:00:00.000Z', customerSince: '2026-02-01T10:00:00.000Z' },
      ],
      SETTINGS,
      'lead',
    );
    expect(r.stage).toBe('at-risk');
    expect(r.history.map((e) => `${e.from}→${e.to}`)).toEqual(['lead→opportunity', 'opportunity→customer', 'customer→at-risk']);
  });
});

describe('cohorts', () => {
  // As of 15 April 2026 12:00 CEST; churned after 60 local days without two-way interaction.
  const AS_OF = '2026-04-15T10:00:00.000Z';
  const customers = [
    { id: 'a', becameCustomerAt: '2026-01-10T10:00:00.000Z', lastTwoWayAt: '2026-04-01T10:00:00.000Z' }, // 14 days: active
    { id: 'b', becameCustomerAt: '2026-01-20T10:00:00.000Z', lastTwoWayAt: '2026-02-01T10:00:00.000Z' }, // 28+31+14 = 73: not
    { id: 'c', becameCustomerAt: '2026-01-31T23:30:00.000Z' }, // 1 Feb 00:30 CET: February; 73 days since: not
    { id: 'f', becameCustomerAt: '2026-02-14T10:00:00.000Z', lastTwoWayAt: '2026-02-14T23:30:00.000Z' }, // 15 Feb local: 28+31 = 59: active
    { id: 'd', becameCustomerAt: '2026-03-20T10:00:00.000Z' }, // 26 days: active
    { id: 'e', becameCustomerAt: '2026-05-01T10:00:00.000Z' }, // after as-of: left out
  ];

  it('counts new customers per local month and those still active, with the people behind them', () => {
    expect(cohorts(customers, AS_OF, { churnedAfterDays: 60 })).toEqual([
      { month: '2026-01', newCustomers: 2, stillActive: 1, newIds: ['a', 'b'], activeIds: ['a'] },
      { month: '2026-02', newCustomers: 2, stillActive: 1, newIds: ['c', 'f'], activeIds: ['f'] },
      { month: '2026-03', newCustomers: 1, stillActive: 1, newIds: ['d'], activeIds: ['d'] },
      { month: '2026-04', newCustomers: 0, stillActive: 0, newIds: [], activeIds: [] },
    ]);
  });

  it('in UTC the 23:30Z customer is January and the 23:30Z interaction a day older (60 days: not active)', () => {
    process.env.TZ = 'UTC';
    const rows = cohorts(customers, AS_OF, { churnedAfterDays: 60 });
    expect(rows[0]).toMatchObject({ month: '2026-01', newIds: ['a', 'b', 'c'] });
    expect(rows[1]).toMatchObject({ month: '2026-02', newIds: ['f'], activeIds: [] });
  });

  it('is empty with no customers yet', () => {
    expect(cohorts([], AS_OF)).toEqual([]);
  });
});
