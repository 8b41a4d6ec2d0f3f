// Salesforce connection settings: the options form's schema (input name = key) and the config it parses.
import { z } from 'zod';
import type { ConnectorContext } from '../types';
import { DEFAULT_LOGIN_URL } from './oauth';

export const SalesforceConfig = z.object({
  instanceUrl: z.url({ protocol: /^https?$/ }).describe('Your org, e.g. https://acme.my.salesforce.com'),
  accessToken: z.string().min(1).max(4000).describe('Access token (pasted, or from "Connect with Salesforce")'),
  refreshToken: z.string().max(4000).optional(),
  clientId: z.string().max(500).optional().describe('Consumer key of your External Client App (for OAuth)'),
  loginUrl: z
    .url({ protocol: /^https?$/ })
    .default(DEFAULT_LOGIN_URL)
    .describe('https://login.salesforce.com, https://test.salesforce.com or your My Domain'),
  apiVersion: z
    .string()
    .regex(/^v\d{2,3}\.\d$/, 'like v62.0')
    .default('v62.0'),
  objectForPeople: z.enum(['Contact', 'Lead']).default('Contact'),
  externalIdField: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'a custom field API name like Rapport_Id__c')
    .optional()
    .describe('External ID field (on Contact/Lead, Account and Task) for native upserts'),
});
export type SalesforceConfig = z.infer<typeof SalesforceConfig>;
export type Ctx = ConnectorContext<SalesforceConfig>;
