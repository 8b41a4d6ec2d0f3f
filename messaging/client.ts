// Caller side: typed functions instead of string-switching on an action name.
import { browser } from 'wxt/browser';
import { MessageError, type Reply, envelope } from './envelope';
import type { MessageInput, MessageName } from './protocol';

/**
 * What each message answers. The code that answers declares it (entrypoints/background/handlers.ts
 * augments this interface from its handlers' return types), so result types come from the
 * implementation while messaging imports nothing above it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MessageResults {}

export type MessageResult<K extends MessageName> = K extends keyof MessageResults ? MessageResults[K] : never;

export async function callBackground<K extends MessageName>(type: K, input: MessageInput<K>): Promise<MessageResult<K>> {
  const reply = (await browser.runtime.sendMessage(envelope(type, input))) as Reply<MessageResult<K>> | undefined;
  if (!reply) throw new MessageError(`no answer to "${type}" (is the background running?)`);
  if (!reply.ok) throw new MessageError(reply.error);
  return reply.result;
}
