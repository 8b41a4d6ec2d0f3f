// The one typed message protocol between extension parts. Each message has a zod schema for its
// input; the background validates every message against it and checks who sent it. Callers use
// `callBackground('name', input)` and get the handler's result type back.
import { z } from 'zod';
import { checkCaptureResult } from '../capture/check-result';

export const SITES = ['gmail', 'outlook', 'linkedin'] as const;
/**
 * What a content script read from its page (or why it could not). `compose`: the recipients of
 * the message being written (Gmail through InboxSDK), shown in the sidebar while it is open.
 * The site and URL must be right or the message is refused; the result is checked against its
 * kind's schema by `checkCaptureResult`, and one that fails arrives as a not-capturable `invalid`
 * result saying where (content scripts do not validate what they send).
 */
export const PageCapture = z
  .object({ site: z.enum(SITES), url: z.string().max(4000), result: z.unknown() })
  .transform(({ site, url, result }) => ({ site, url, result: checkCaptureResult(site, result) }));
export type PageCapture = z.infer<typeof PageCapture>;

/** Ties a sidebar frame to the content script (document) that created it. */
const SessionId = z.string().min(1).max(64);
/** The content script numbers its captures: the frame gets each twice (direct and via the background). */
const CaptureSeq = z.number().int().nonnegative();

/** Local pipeline id → the CRM's pipeline and stages, or null: not synced there (decision 0054). */
const PipelineMappingInput = z.record(
  z.string().max(100),
  z
    .object({ remotePipelineId: z.string().max(200), stages: z.record(z.string().max(100), z.string().max(200)) })
    .strict()
    .nullable(),
);

export const messages = {
  ping: {
    input: z.object({}).strict(),
    /** Content scripts may send it (used to check the extension is alive). */
    fromContentScript: true,
  },
  /**
   * An extension page changed data (import, edit): wakes background work such as sync. `tasks`,
   * `cadence` and `settings` come from entrypoints/background/page-wake.ts after such a write: the badge,
   * the reminder alarm and the keep-in-touch pass follow (decision 0050).
   */
  dataChanged: {
    input: z
      .object({
        what: z.enum(['import', 'delete-all', 'edit', 'capture', 'tasks', 'cadence', 'settings']),
        count: z.number().int().nonnegative().optional(),
      })
      .strict(),
    fromContentScript: false,
  },
  counts: {
    input: z.object({}).strict(),
    fromContentScript: false,
  },
  /**
   * "Delete all local data" (options page): `records` keeps connections, rules and settings;
   * `everything` deletes those too and gives back the CRM hosts' access. Run by the background,
   * which stops the sync engine first.
   */
  deleteLocalData: {
    input: z.object({ scope: z.enum(['records', 'everything']) }).strict(),
    fromContentScript: false,
  },
  /**
   * Merge two people (the workspace's Duplicates page): `choices` says, per differing field
   * (storage/merge.ts MERGE_FIELDS), whose value the survivor keeps. Run by the background with the
   * sync engine stopped, so no push in flight links the merged-away person after the merge.
   */
  mergeContacts: {
    input: z
      .object({
        survivorId: z.string().min(1).max(100),
        mergedId: z.string().min(1).max(100),
        choices: z.record(z.string().max(40), z.enum(['survivor', 'merged'])).default({}),
      })
      .strict(),
    fromContentScript: false,
  },
  /**
   * After a connection was removed: gives back the CRM hosts no remaining connection uses (the
   * background knows them from the full configs, secrets included, which pages never read).
   */
  releasePermissions: {
    input: z.object({}).strict(),
    fromContentScript: false,
  },
  /** A content script read its page (after load or an in-app navigation). */
  captureChanged: {
    input: z.object({ capture: PageCapture, session: SessionId.optional(), seq: CaptureSeq.optional() }).strict(),
    fromContentScript: true,
  },
  /**
   * Whether a site is switched on, and the sidebar's layout, for a content script. `session`: the
   * document's session, kept for its tab so the tab's sidebar frame can learn it (getCapture).
   */
  siteConfig: {
    input: z.object({ site: z.enum(SITES), session: SessionId.optional() }).strict(),
    fromContentScript: true,
  },
  /**
   * The sidebar asks what its tab's page shows, and its session: the one secret its content
   * script's port must carry. It travels only between extension parts, never through the page.
   */
  getCapture: {
    input: z.object({}).strict(),
    fromContentScript: false,
  },
  /** The sidebar's own collapse/open button: the background passes it on to the tab's content script. */
  setSidebarCollapsed: {
    input: z.object({ collapsed: z.boolean() }).strict(),
    fromContentScript: false,
  },
  /** The content script remembers the sidebar's layout on its site (collapsed, width). */
  sidebarLayout: {
    input: z
      .object({ site: z.enum(SITES), collapsed: z.boolean().optional(), width: z.number().int().min(100).max(4000).optional() })
      .strict(),
    fromContentScript: true,
  },
  /** "Sync now" (options page): everything queued becomes due, then one engine run. */
  syncNow: {
    input: z.object({ connectorId: z.string().max(100).optional() }).strict(),
    fromContentScript: false,
  },
  /**
   * CRM-side facts about people (owner, stage, deals, record link) for the sidebar and popup:
   * refreshes the stale cached answers from every connected CRM, then returns the cards.
   * Extension pages only: CRM data never goes to a content script.
   */
  crmLookup: {
    input: z.object({ emails: z.array(z.string().max(320)).max(20), force: z.boolean().optional() }).strict(),
    fromContentScript: false,
  },
  /**
   * "Connect with <CRM>" (OAuth): the background runs the sign-in flow and saves the connection
   * with its tokens; the page never sees them. Extension pages only.
   */
  connectorOAuth: {
    input: z
      .object({
        type: z.string().max(50),
        values: z.record(z.string(), z.unknown()),
        id: z.string().max(100).optional(),
        name: z.string().max(200).optional(),
        kinds: z.array(z.enum(['contact', 'company', 'email', 'note', 'call', 'meeting', 'task', 'deal', 'case', 'candidate'])).optional(),
        direction: z.enum(['push', 'pull', 'both']).optional(),
        fieldMapping: z.record(z.string(), z.string().max(200)).optional(),
        pipelineMapping: PipelineMappingInput.optional(),
        allowInsecureHttp: z.boolean().optional(),
      })
      .strict(),
    fromContentScript: false,
  },
  /** Test a connection with the form's values (secrets included: extension pages only). */
  connectorTest: {
    input: z
      .object({
        type: z.string().max(50),
        values: z.record(z.string(), z.unknown()),
        id: z.string().max(100).optional(),
        allowInsecureHttp: z.boolean().optional(),
      })
      .strict(),
    fromContentScript: false,
  },
  /** The CRM's pipelines and stages (per item kind) for the pipeline mapping, read with the form's values. Extension pages only. */
  connectorPipelines: {
    input: z
      .object({
        type: z.string().max(50),
        values: z.record(z.string(), z.unknown()),
        id: z.string().max(100).optional(),
        kinds: z.array(z.enum(['deal', 'case', 'candidate'])).max(3),
        allowInsecureHttp: z.boolean().optional(),
      })
      .strict(),
    fromContentScript: false,
  },
} as const;

/** Events the background sends to extension pages and content scripts (not requests). */
export const RapportEvent = z.discriminatedUnion('rapportEvent', [
  z.object({
    rapportEvent: z.literal('capture'),
    tabId: z.number(),
    capture: PageCapture,
    session: SessionId.optional(),
    seq: CaptureSeq.optional(),
  }),
  z.object({ rapportEvent: z.literal('layout'), collapsed: z.boolean() }),
  z.object({ rapportEvent: z.literal('recapture') }),
  /** To a content script: its sidebar frame's script runs, hand it its port. */
  z.object({ rapportEvent: z.literal('sidebarReady') }),
  /** To a content script: the keyboard shortcut, open or collapse the sidebar. */
  z.object({ rapportEvent: z.literal('toggleSidebar') }),
]);
export type RapportEvent = z.infer<typeof RapportEvent>;

export type MessageName = keyof typeof messages;
export type MessageInput<K extends MessageName> = z.infer<(typeof messages)[K]['input']>;

export const Envelope = z.object({ rapport: z.literal(1), type: z.string().max(100), payload: z.unknown() });
export type Envelope = z.infer<typeof Envelope>;

/** Checks an incoming message; returns the parsed input or a readable error. */
export function validateMessage(
  raw: unknown,
  sender: { id?: string; tab?: unknown; url?: string },
  ownId: string,
  /** The extension's own origin ("chrome-extension://<id>/"): its pages may sit inside a tab (the sidebar frame). */
  ownOrigin = `chrome-extension://${ownId}/`,
): { ok: true; type: MessageName; input: unknown } | { ok: false; error: string } {
  const env = Envelope.safeParse(raw);
  if (!env.success) return { ok: false, error: 'malformed message: expected {rapport:1, type, payload}' };
  // onMessage only carries our own extension's messages; the id check is defence in depth.
  if (sender.id && sender.id !== ownId) return { ok: false, error: 'message from another extension refused' };
  const { type, payload } = env.data;
  if (!Object.hasOwn(messages, type)) return { ok: false, error: `unknown message type "${type}"` };
  const def = messages[type as MessageName];
  const fromWebPage = !!sender.tab && !(sender.url ?? '').startsWith(ownOrigin);
  if (fromWebPage && !def.fromContentScript) return { ok: false, error: `"${type}" may not be sent from a web page` };
  const parsed = def.input.safeParse(payload);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
    return { ok: false, error: `invalid "${type}" message: ${detail}` };
  }
  return { ok: true, type: type as MessageName, input: parsed.data };
}
