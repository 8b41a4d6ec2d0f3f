// Pipedrive connection settings: the options form's schema (input name = key), the config it parses,
// the plans (each sets the request rate) and the API base a config points at.
import { z } from 'zod';

/** Requests per 2 s, by plan. */
export const PIPEDRIVE_PLANS = { essential: 20, advanced: 40, professional: 80, power: 100, enterprise: 120 } as const;
export type PipedrivePlan = keyof typeof PIPEDRIVE_PLANS;

export interface PipedriveConfig {
  apiToken: string;
  companyDomain: string;
  baseUrl?: string;
  plan: PipedrivePlan;
}

export const pipedriveConfigSchema = z.object({
  apiToken: z.string().trim().min(1, 'Paste your Pipedrive API token').describe('API token (Personal preferences → API)'),
  companyDomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'The part before .pipedrive.com, e.g. "acme"')
    .describe('Company domain'),
  baseUrl: z
    .union([z.url({ protocol: /^https?$/ }), z.literal('')])
    .optional()
    .describe('API base URL (default https://<company domain>.pipedrive.com)'),
  plan: z
    .enum(Object.keys(PIPEDRIVE_PLANS) as [PipedrivePlan, ...PipedrivePlan[]])
    .default('essential')
    .describe('Pipedrive plan (sets the request rate: 20–120 requests / 2 s)'),
});

export function pipedriveBase(config: Pick<PipedriveConfig, 'baseUrl' | 'companyDomain'>): string {
  return (config.baseUrl || `https://${config.companyDomain}.pipedrive.com`).replace(/\/+$/, '');
}
