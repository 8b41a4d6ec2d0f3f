// @vitest-environment jsdom
// The UI's one data hook: a component shows what the database holds and follows every later write
// without being told (no reload counter, no polling), and stops listening when it goes away.
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useLiveQuery } from '../../../components/use-live-query';
import { RapportDB } from '../../../storage/db';
import { upsertContacts } from '../../../storage/repositories';
import { setDbForTesting } from '../../../storage/db';

let db: RapportDB;
let root: HTMLElement;

beforeEach(async () => {
  db = new RapportDB(`live-${Math.random()}`);
  setDbForTesting(db);
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(async () => {
  render(null, root);
  root.remove();
  setDbForTesting(undefined);
  await db.delete();
});

let queries = 0;

function PeopleCount({ tag }: { tag: string }) {
  const n = useLiveQuery(() => {
    queries++;
    return db.contacts.filter((c) => c.tags.includes(tag)).count();
  }, [tag]);
  return h('output', null, n === undefined ? 'loading' : String(n));
}

async function until(text: string): Promise<void> {
  for (let i = 0; i < 200 && root.textContent !== text; i++) await act(() => new Promise((r) => setTimeout(r, 10)));
  expect(root.textContent).toBe(text);
}

describe('useLiveQuery', () => {
  it('shows the answer, then every later write, with no reload', async () => {
    await upsertContacts([{ name: 'Ana Lima', emails: ['ana@lima.example'], tags: ['vip'] }], {
      type: 'manual',
      at: new Date().toISOString(),
    });
    await act(() => render(h(PeopleCount, { tag: 'vip' }), root));
    await until('1');
    await upsertContacts([{ name: 'Bo Berg', emails: ['bo@berg.example'], tags: ['vip'] }], {
      type: 'manual',
      at: new Date().toISOString(),
    });
    await until('2');
    await db.contacts.clear();
    await until('0');
  });

  it('asks again when its inputs change, and stops listening once unmounted', async () => {
    await upsertContacts([{ name: 'Ana Lima', emails: ['ana@lima.example'], tags: ['vip', 'lead'] }], {
      type: 'manual',
      at: new Date().toISOString(),
    });
    await act(() => render(h(PeopleCount, { tag: 'vip' }), root));
    await until('1');
    await act(() => render(h(PeopleCount, { tag: 'cold' }), root));
    await until('0');
    // Unmounted: a write no longer runs the query.
    await act(() => render(null, root));
    await act(() => new Promise((r) => setTimeout(r, 50)));
    const before = queries;
    await upsertContacts([{ name: 'Cy Cole', emails: ['cy@cole.example'], tags: ['cold'] }], {
      type: 'manual',
      at: new Date().toISOString(),
    });
    await act(() => new Promise((r) => setTimeout(r, 100)));
    expect(queries).toBe(before);
  });
});
