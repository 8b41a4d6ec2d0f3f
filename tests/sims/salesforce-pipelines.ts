// Opportunities, Cases and their stage picklists in the simulated Salesforce org (tests only; the
// org itself is tests/sims/salesforce.ts). From Salesforce's Object Reference
// (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/):
// - Opportunity: Name (120) and StageName and CloseDate required; Amount (currency, a JSON number);
//   Probability defaults from the stage's DefaultProbability; IsClosed / IsWon follow the stage
//   (read-only); Description is a 32k long text area; CurrencyIsoCode only in orgs with multiple
//   currencies enabled (otherwise the field does not exist: INVALID_FIELD).
// - OpportunityStage (query-only): ApiName = the StageName picklist value, MasterLabel, IsActive,
//   IsClosed, IsWon, DefaultProbability (0–100), SortOrder, ForecastCategoryName. The defaults of a
//   new org are seeded.
// - Case: Subject, Description, Status (default "New"), Priority High/Medium/Low (default Medium),
//   Origin Phone/Email/Web, ContactId, AccountId, IsClosed following CaseStatus (read-only),
//   CaseNumber (auto-number, read-only).
// - CaseStatus (query-only): ApiName, MasterLabel, IsClosed, IsDefault, SortOrder.
// - OpportunityContactRole: OpportunityId, ContactId, Role, IsPrimary; deleted with its opportunity.
// - Describe: GET /sobjects/{Object}/describe → {name, label, fields: [{name, type, length,
//   nillable, createable, updateable, picklistValues: [{value, label, active, defaultValue}]}]}.

export interface PipelineFieldDef {
  type: string;
  length?: number;
  required?: boolean;
  readonly?: boolean;
  to?: string[];
  rel?: string;
  values?: string[];
  default?: string | boolean;
}

/** [ApiName, DefaultProbability, IsClosed, IsWon, ForecastCategoryName] of a new org's opportunity stages. */
export const OPPORTUNITY_STAGES: [string, number, boolean, boolean, string][] = [
  ['Prospecting', 10, false, false, 'Pipeline'],
  ['Qualification', 10, false, false, 'Pipeline'],
  ['Needs Analysis', 20, false, false, 'Pipeline'],
  ['Value Proposition', 50, false, false, 'Pipeline'],
  ['Id. Decision Makers', 60, false, false, 'Pipeline'],
  ['Perception Analysis', 70, false, false, 'Pipeline'],
  ['Proposal/Price Quote', 75, false, false, 'Pipeline'],
  ['Negotiation/Review', 90, false, false, 'Commit'],
  ['Closed Won', 100, true, true, 'Closed'],
  ['Closed Lost', 0, true, false, 'Omitted'],
];

/** [ApiName, IsClosed, IsDefault] of a new org's case statuses. */
export const CASE_STATUSES: [string, boolean, boolean][] = [
  ['New', false, true],
  ['Working', false, false],
  ['Escalated', false, false],
  ['Closed', true, false],
];

const ro = (type: string): PipelineFieldDef => ({ type, readonly: true });

export function pipelineSchema(multiCurrency: string[] | undefined): Record<string, Record<string, PipelineFieldDef>> {
  return {
    Opportunity: {
      Name: { type: 'string', length: 120, required: true },
      StageName: { type: 'picklist', required: true, values: OPPORTUNITY_STAGES.map(([name]) => name) },
      Amount: { type: 'number' },
      Probability: { type: 'number' },
      CloseDate: { type: 'date', required: true },
      Description: { type: 'longtext', length: 32000 },
      IsClosed: ro('boolean'),
      IsWon: ro('boolean'),
      AccountId: { type: 'reference', to: ['Account'], rel: 'Account' },
      ...(multiCurrency ? { CurrencyIsoCode: { type: 'picklist', values: multiCurrency } } : {}),
    },
    OpportunityStage: {
      ApiName: ro('string'),
      MasterLabel: ro('string'),
      IsActive: ro('boolean'),
      IsClosed: ro('boolean'),
      IsWon: ro('boolean'),
      DefaultProbability: ro('number'),
      SortOrder: ro('number'),
      ForecastCategoryName: ro('string'),
    },
    Case: {
      CaseNumber: ro('string'),
      Subject: { type: 'string', length: 255 },
      Description: { type: 'longtext', length: 32000 },
      Status: { type: 'picklist', values: CASE_STATUSES.map(([name]) => name), default: 'New', required: true },
      Priority: { type: 'picklist', values: ['High', 'Medium', 'Low'], default: 'Medium' },
      Origin: { type: 'picklist', values: ['Phone', 'Email', 'Web'] },
      ContactId: { type: 'reference', to: ['Contact'], rel: 'Contact' },
      AccountId: { type: 'reference', to: ['Account'], rel: 'Account' },
      IsClosed: ro('boolean'),
    },
    CaseStatus: {
      ApiName: ro('string'),
      MasterLabel: ro('string'),
      IsClosed: ro('boolean'),
      IsDefault: ro('boolean'),
      SortOrder: ro('number'),
    },
  };
}

/** The seeded picklist rows: [object, fields]. */
export function stageRows(): [string, Record<string, unknown>][] {
  return [
    ...OPPORTUNITY_STAGES.map(([name, p, closed, won, forecast], i): [string, Record<string, unknown>] => [
      'OpportunityStage',
      {
        ApiName: name,
        MasterLabel: name,
        IsActive: true,
        IsClosed: closed,
        IsWon: won,
        DefaultProbability: p,
        SortOrder: i + 1,
        ForecastCategoryName: forecast,
      },
    ]),
    ...CASE_STATUSES.map(([name, closed, isDefault], i): [string, Record<string, unknown>] => [
      'CaseStatus',
      { ApiName: name, MasterLabel: name, IsClosed: closed, IsDefault: isDefault, SortOrder: i + 1 },
    ]),
  ];
}

/** Derived fields of an Opportunity or a Case after a write (`stageChanged`: the stage was written). */
export function derivePipelineFields(type: string, r: Record<string, unknown>, stageChanged: boolean, caseNumber: () => string): void {
  if (type === 'Opportunity') {
    const stage = OPPORTUNITY_STAGES.find(([name]) => name === r.StageName);
    r.IsClosed = stage?.[2] ?? false;
    r.IsWon = stage?.[3] ?? false;
    if (stageChanged && stage) r.Probability = stage[1];
  }
  if (type === 'Case') {
    r.IsClosed = CASE_STATUSES.find(([name]) => name === r.Status)?.[1] ?? false;
    if (!r.CaseNumber) r.CaseNumber = caseNumber();
  }
}

/** GET /sobjects/{Object}/describe, from the org's field definitions. */
export function describeObject(type: string, defs: Record<string, PipelineFieldDef & { createOnly?: boolean }>): unknown {
  return {
    name: type,
    label: type,
    createable: !Object.values(defs).every((d) => d.readonly),
    fields: Object.entries(defs).map(([name, d]) => ({
      name,
      type: d.type === 'longtext' ? 'textarea' : d.type === 'number' ? 'double' : d.type,
      length: d.length ?? 0,
      nillable: !d.required,
      createable: !d.readonly,
      updateable: !d.readonly && !d.createOnly,
      defaultedOnCreate: d.default !== undefined,
      picklistValues: (d.values ?? []).map((v) => ({ value: v, label: v, active: true, defaultValue: d.default === v })),
    })),
  };
}
