// The zod schemas of a webmail capture (types and limits in mail.ts), for the receivers: the
// background and the sidebar frame check what a content script sends (capture/check-result.ts).
// Content scripts never import this module: zod would be most of their size.
import { z } from 'zod';
import type { Agree, Assert } from './schema-agreement';
import {
  DIRECTIONS,
  LIMITS,
  MAIL_SITES,
  NOT_CAPTURABLE_REASONS,
  type MailAddress,
  type MailMessage,
  type NotCapturable,
  type ThreadCapture,
  type ThreadParticipant,
} from './mail';

// The schemas are built on first use, not when the module loads: building zod schemas costs
// milliseconds of main-thread time, which an extension page (the sidebar frame) would add to its
// start (docs/decisions/0008-lazy-capture-schemas-and-url-gate.md). Each export is a `z.lazy` over
// the built schema (marked pure, so a bundle that does not use an export leaves it out).
function build() {
  const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO date');

  const MailAddress = z.object({
    email: z.string().max(320).optional(),
    name: z.string().max(300),
  });

  const MailMessage = z.object({
    messageId: z.string().min(1).max(500),
    from: MailAddress,
    to: z.array(MailAddress).max(LIMITS.recipients),
    cc: z.array(MailAddress).max(LIMITS.recipients),
    date: isoDate.optional(),
    dateText: z.string().max(200),
    snippet: z.string().max(LIMITS.snippet),
    bodyText: z.string().max(LIMITS.bodyText),
    quotedText: z.string().max(LIMITS.quotedText),
    signature: z.string().max(LIMITS.signature),
    links: z.array(z.string().max(2000)).max(LIMITS.links),
    direction: z.enum(DIRECTIONS),
    collapsed: z.boolean(),
  });

  const ThreadParticipant = z.object({
    email: z.string().max(320).optional(),
    name: z.string().max(300),
    isUser: z.boolean(),
    isInternal: z.boolean(),
    roles: z.array(z.enum(['from', 'to', 'cc'])).max(3),
  });

  const ThreadCapture = z.object({
    kind: z.literal('thread'),
    site: z.enum(MAIL_SITES),
    threadId: z.string().min(1).max(300),
    subject: z.string().max(2000),
    url: z.string().max(4000),
    userEmail: z.string().max(320).optional(),
    messages: z.array(MailMessage).min(1).max(LIMITS.messages),
    omittedMessages: z.number().int().min(0).optional(),
    participants: z.array(ThreadParticipant).max(5000),
  });

  const NotCapturable = z.object({
    kind: z.literal('not-capturable'),
    site: z.enum(MAIL_SITES).optional(),
    reason: z.enum(NOT_CAPTURABLE_REASONS),
    detail: z.string().max(2000),
    field: z.string().max(200).optional(),
  });

  return { MailAddress, MailMessage, ThreadParticipant, ThreadCapture, NotCapturable };
}
let built: ReturnType<typeof build> | undefined;
const schemas = () => (built ??= build());

export const MailAddressSchema = /* @__PURE__ */ z.lazy(() => schemas().MailAddress);
export const MailMessageSchema = /* @__PURE__ */ z.lazy(() => schemas().MailMessage);
export const ThreadParticipantSchema = /* @__PURE__ */ z.lazy(() => schemas().ThreadParticipant);
export const ThreadCaptureSchema = /* @__PURE__ */ z.lazy(() => schemas().ThreadCapture);
export const MailNotCapturableSchema = /* @__PURE__ */ z.lazy(() => schemas().NotCapturable);

/** Fails to compile when a schema and its interface in mail.ts drift apart. */
export type MailSchemasAgree = [
  Assert<Agree<z.infer<typeof MailAddressSchema>, MailAddress>>,
  Assert<Agree<z.infer<typeof MailMessageSchema>, MailMessage>>,
  Assert<Agree<z.infer<typeof ThreadParticipantSchema>, ThreadParticipant>>,
  Assert<Agree<z.infer<typeof ThreadCaptureSchema>, ThreadCapture>>,
  Assert<Agree<z.infer<typeof MailNotCapturableSchema>, NotCapturable>>,
];
