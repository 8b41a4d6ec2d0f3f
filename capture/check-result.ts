// The receivers' check of what a content script read (the background on every `captureChanged`
// and recapture, the sidebar frame on its direct port): content scripts carry no schema
// (docs/decisions/0035-validate-captures-at-the-receiver.md), so this is where a capture is
// trusted or not. A result that fails its schema is not dropped: it becomes a not-capturable
// `invalid` result naming the first failing path, which the sidebar shows.
import type { z } from 'zod';
import type { ComposeCapture } from './compose';
import { ComposeCaptureSchema } from './compose-schema';
import type { LinkedinCapture, NotCapturable as LinkedinNotCapturable } from './linkedin';
import { LinkedinCaptureSchema, LinkedinNotCapturableSchema } from './linkedin-schema';
import type { MailSite, NotCapturable as MailNotCapturable, ThreadCapture } from './mail';
import { MailNotCapturableSchema, ThreadCaptureSchema } from './mail-schema';

export type CaptureSite = MailSite | 'linkedin';
/** What any content script may send as the result of reading its page. */
export type CaptureResult = ThreadCapture | ComposeCapture | MailNotCapturable | LinkedinCapture | LinkedinNotCapturable;

/** The schema of each result kind a site's content script sends. */
function schemaFor(site: CaptureSite, kind: unknown): z.ZodType<CaptureResult> | undefined {
  if (kind === 'not-capturable') return site === 'linkedin' ? LinkedinNotCapturableSchema : MailNotCapturableSchema;
  if (site === 'linkedin') return kind === 'profile' || kind === 'company' || kind === 'lead' ? LinkedinCaptureSchema : undefined;
  if (kind === 'thread') return ThreadCaptureSchema;
  if (kind === 'compose') return ComposeCaptureSchema;
  return undefined;
}

/** The result that stands for one that failed validation (the detail is at most 2000 characters). */
export function invalidResult(site: CaptureSite, path: string, message: string): MailNotCapturable | LinkedinNotCapturable {
  const detail = `capture failed validation at ${path || '(root)'}: ${message}`.slice(0, 2000);
  return site === 'linkedin'
    ? { kind: 'not-capturable', reason: 'invalid', detail }
    : { kind: 'not-capturable', site, reason: 'invalid', detail };
}

/**
 * `result` as the schema of its kind parses it (unknown keys dropped), or, when it fails, the
 * not-capturable `invalid` result saying where. A kind the site never sends fails at `kind`.
 */
export function checkCaptureResult(site: CaptureSite, result: unknown): CaptureResult {
  const kind = typeof result === 'object' && result !== null ? (result as { kind?: unknown }).kind : undefined;
  const schema = schemaFor(site, kind);
  if (!schema) return invalidResult(site, 'kind', `not a result a ${site} page gives`);
  const parsed = schema.safeParse(result);
  if (parsed.success) {
    // A mail result names its site: it must be the page's own.
    if ('site' in parsed.data && parsed.data.site !== site)
      return invalidResult(site, 'site', `a ${parsed.data.site} result from a ${site} page`);
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  return invalidResult(site, issue?.path.map(String).join('.') ?? '', issue?.message ?? 'unknown');
}
