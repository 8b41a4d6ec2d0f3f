import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { handlers } from '../../entrypoints/background/handlers';
import { installRouter } from '../../messaging/background-router';
import { callBackground } from '../../messaging/client';
import { validateMessage } from '../../messaging/protocol';

describe('typed message protocol', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    installRouter(handlers);
  });

  it('answers a valid message with the handler result', async () => {
    await expect(callBackground('ping', {})).resolves.toEqual({ alive: true, version: '0.1.0' });
  });

  it('rejects unknown and malformed messages with an error the caller sees', async () => {
    const unknown = await browser.runtime.sendMessage({ rapport: 1, type: 'dropTables', payload: {} });
    expect(unknown).toEqual({ ok: false, error: 'unknown message type "dropTables"' });
    const malformed = await browser.runtime.sendMessage({ type: 'ping' });
    expect(malformed).toMatchObject({ ok: false, error: expect.stringContaining('malformed message') });
    await expect(callBackground('dataChanged', { what: 'nonsense' } as never)).rejects.toThrow(/invalid "dataChanged" message: what/);
    await expect(callBackground('ping', { extra: 1 } as never)).rejects.toThrow(/invalid "ping" message/);
  });

  it('refuses other extensions and page-only messages from content scripts', () => {
    const env = { rapport: 1, type: 'counts', payload: {} };
    expect(validateMessage(env, { id: 'other' }, 'me')).toEqual({ ok: false, error: 'message from another extension refused' });
    expect(validateMessage(env, { id: 'me', tab: { id: 1 } }, 'me')).toEqual({
      ok: false,
      error: '"counts" may not be sent from a web page',
    });
    expect(validateMessage({ rapport: 1, type: 'ping', payload: {} }, { id: 'me', tab: { id: 1 } }, 'me')).toMatchObject({ ok: true });
  });
});
