// The wire shape of a request, kept free of schemas so content scripts stay small.
import type { MessageInput, MessageName } from './protocol';

export type Reply<T> = { ok: true; result: T } | { ok: false; error: string };

export class MessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageError';
  }
}

export function envelope<K extends MessageName>(type: K, payload: MessageInput<K>): { rapport: 1; type: K; payload: MessageInput<K> } {
  return { rapport: 1, type, payload };
}
