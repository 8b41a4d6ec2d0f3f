// What a webmail content script sends while the user writes a message (Gmail: InboxSDK compose
// views; Outlook: the compose form's recipient wells): the recipients, so the sidebar can show
// their cards. Text only. Plain types, no zod: the content scripts import this; the receivers
// check it against compose-schema.ts.
import { candidateEmail } from '../storage/normalize';
import { LIMITS } from './mail';

export interface ComposeRecipient {
  /** Lowercased and trimmed. */
  email: string;
  name: string;
  field: 'to' | 'cc' | 'bcc';
}

export interface ComposeCapture {
  kind: 'compose';
  site: 'gmail' | 'outlook';
  /** The signed-in mailbox, when known. */
  userEmail?: string;
  recipients: ComposeRecipient[];
}

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
