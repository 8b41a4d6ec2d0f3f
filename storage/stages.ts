// The stages a person can be at. Apart from schema.ts (which loads zod) so the popup's read path can
// offer them without the write path's schemas (decision 0005).
export const STAGES = ['lead', 'contacted', 'qualified', 'customer', 'churned', 'candidate', 'interviewing', 'hired'] as const;
