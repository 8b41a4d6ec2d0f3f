// The zod schemas of a compose capture (types in compose.ts), for the receivers. Content scripts
// never import this module.
import { z } from 'zod';
import type { Agree, Assert } from './schema-agreement';
import type { ComposeCapture, ComposeRecipient } from './compose';
import { LIMITS } from './mail';

// Built on first use, like the mail schemas (see mail-schema.ts and decision 0008).
function build() {
  const ComposeRecipient = z.object({
    email: z.string().min(3).max(320),
    name: z.string().max(300),
    field: z.enum(['to', 'cc', 'bcc']),
  });
  const ComposeCapture = z.object({
    kind: z.literal('compose'),
    site: z.enum(['gmail', 'outlook']),
    userEmail: z.string().max(320).optional(),
    recipients: z.array(ComposeRecipient).min(1).max(LIMITS.recipients),
  });
  return { ComposeRecipient, ComposeCapture };
}
let built: ReturnType<typeof build> | undefined;
const schemas = () => (built ??= build());

export const ComposeRecipientSchema = /* @__PURE__ */ z.lazy(() => schemas().ComposeRecipient);
export const ComposeCaptureSchema = /* @__PURE__ */ z.lazy(() => schemas().ComposeCapture);

/** Fails to compile when a schema and its interface in compose.ts drift apart. */
export type ComposeSchemasAgree = [
  Assert<Agree<z.infer<typeof ComposeRecipientSchema>, ComposeRecipient>>,
  Assert<Agree<z.infer<typeof ComposeCaptureSchema>, ComposeCapture>>,
];
