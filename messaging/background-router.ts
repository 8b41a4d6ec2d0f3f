// Background side of the protocol: handlers are registered with their implementation, so the
// result types callers see come from the code that answers.
import { browser } from 'wxt/browser';
import type { Reply } from './envelope';
import { type MessageInput, type MessageName, validateMessage } from './protocol';

export type Sender = { id?: string; tab?: { id?: number }; url?: string; frameId?: number };
export type Handlers = { [K in MessageName]: (input: MessageInput<K>, sender: Sender) => Promise<unknown> };

/** Installs the one runtime.onMessage listener; every message is validated before a handler runs. */
export function installRouter(handlers: Handlers): void {
  browser.runtime.onMessage.addListener((raw: unknown, sender: Sender) => {
    // Events (background → pages) travel on the same channel: not ours to answer.
    if (raw && typeof raw === 'object' && 'rapportEvent' in raw) return undefined;
    const checked = validateMessage(raw, sender, browser.runtime.id, browser.runtime.getURL('/'));
    if (!checked.ok) return Promise.resolve({ ok: false, error: checked.error } satisfies Reply<never>);
    const handler = handlers[checked.type] as (input: unknown, sender: Sender) => Promise<unknown>;
    return handler(checked.input, sender).then(
      (result): Reply<unknown> => ({ ok: true, result }),
      (e: unknown): Reply<never> => ({ ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  });
}
