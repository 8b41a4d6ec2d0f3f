// HubSpot connection settings: the options form's schema (input name = key) and the config it parses.
import { z } from 'zod';

export const HUBSPOT_BASE_URL = 'https://api.hubapi.com';

export interface HubspotConfig {
  accessToken: string;
  baseUrl: string;
  rapportIdProperty?: string;
  existingContacts?: 'fill-empty' | 'overwrite';
}

export const hubspotConfigSchema = z.object({
  accessToken: z.string().trim().min(1, 'Paste the private app access token').describe('Private app access token'),
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default(HUBSPOT_BASE_URL)
    .describe('API base URL'),
  rapportIdProperty: z
    .string()
    .trim()
    .regex(/^([a-z][a-z0-9_]*)?$/, 'HubSpot internal property names are lowercase letters, digits and _')
    .optional()
    .describe('Rapport-id property (default rapport_id; Rapport creates it with unique values when the token has the crm.schemas scopes)'),
  existingContacts: z
    .enum(['fill-empty', 'overwrite'])
    .default('fill-empty')
    .describe('When a contact already exists in HubSpot: fill its empty properties only, or overwrite them with Rapport’s values'),
});
