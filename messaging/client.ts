// Caller side: typed functions instead of string-switching on an action name.
import { browser } from 'wxt/browser';
import type { BackgroundHandlers } from '../background/handlers';
import { MessageError, type Reply, envelope } from './envelope';
import type { MessageInput, MessageName } from './protocol';

export type MessageResult<K extends MessageName> = Awaited<ReturnType<BackgroundHandlers[K]>>;

export async function callBackground<K extends MessageName>(type: K, input: MessageInput<K>): Promise<MessageResult<K>> {
  const reply = (await browser.runtime.sendMessage(envelope(type, input))) as Reply<MessageResult<K>> | undefined;
  if (!reply) throw new MessageError(`no answer to "${type}" (is the background running?)`);
  if (!reply.ok) throw new MessageError(reply.error);
  return reply.result;
}
