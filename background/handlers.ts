// What the background answers. Result types flow from here to callers (messaging/client.ts).
import type { Handlers } from '../messaging/background-router';
import type { MessageInput } from '../messaging/protocol';
import { counts } from '../storage/repositories';

export const handlers = {
  ping: async () => ({ alive: true as const, version: '0.1.0' }),
  dataChanged: async (input: MessageInput<'dataChanged'>) => {
    // The sync engine (connectors) hooks in here; until one is configured there is nothing to wake.
    return { received: input.what };
  },
  counts: async () => counts(),
} satisfies Handlers;

export type BackgroundHandlers = typeof handlers;
