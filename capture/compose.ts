// What the Gmail content script sends while the user writes a message (InboxSDK compose views):
// the recipients, so the sidebar can show their cards. Text only, checked with zod on both sides
// (content script and background), like every capture.
import { z } from 'zod';
import { candidateEmail } from '../storage/normalize';
import { LIMITS, NotCapturable, ThreadCapture } from './mail';

export const ComposeRecipient = z.object({
  /** Lowercased and trimmed. */
  email: z.string().min(3).max(320),
  name: z.string().max(300),
  field: z.enum(['to', 'cc', 'bcc']),
});
export type ComposeRecipient = z.infer<typeof ComposeRecipient>;

export const ComposeCapture = z.object({
  kind: z.literal('compose'),
  site: z.literal('gmail'),
  /** The signed-in mailbox, when known. */
  userEmail: z.string().max(320).optional(),
  recipients: z.array(ComposeRecipient).min(1).max(LIMITS.recipients),
});
export type ComposeCapture = z.infer<typeof ComposeCapture>;

/** What the Gmail content script may send: a thread, why there is none, or a compose view. */
export const GmailCaptureResult = z.discriminatedUnion('kind', [ThreadCapture, NotCapturable, ComposeCapture]);

/** InboxSDK's `{emailAddress, name?}` lists → recipients (deduplicated, addresses normalized, capped). */
export function composeRecipients(lists: {
  to: { emailAddress: string; name?: string | null }[];
  cc: { emailAddress: string; name?: string | null }[];
  bcc: { emailAddress: string; name?: string | null }[];
}): ComposeRecipient[] {
  const seen = new Set<string>();
  const out: ComposeRecipient[] = [];
  for (const field of ['to', 'cc', 'bcc'] as const) {
    for (const c of lists[field]) {
      const email = candidateEmail(typeof c.emailAddress === 'string' ? c.emailAddress : undefined);
      if (!email || !email.includes('@') || email.length > 320 || seen.has(email)) continue;
      seen.add(email);
      const name = typeof c.name === 'string' ? c.name.trim().slice(0, 300) : '';
      out.push({ email, name, field });
      if (out.length >= LIMITS.recipients) return out;
    }
  }
  return out;
}
