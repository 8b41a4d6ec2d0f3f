// @vitest-environment jsdom
// A person's items as the sidebar card, the popup and the contact page show them: open ones with
// their pipeline and stage, a case past its SLA time highlighted, closed ones counted; the stage
// select hands the page the chosen stage's id.
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersonItems } from '../../../components/PersonItems';
import { RapportDB, setDbForTesting } from '../../../storage/db';
import { createItem, listPipelines, moveItemTo } from '../../../storage/pipelines';
import { upsertContacts } from '../../../storage/repositories';

let db: RapportDB;
let root: HTMLElement;
const src = { type: 'manual' as const, at: '2026-12-01T09:00:00.000Z' };

beforeEach(() => {
  db = new RapportDB(`person-items-${Math.random()}`);
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

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await act(() => new Promise((r) => setTimeout(r, 10)));
  expect(check()).toBe(true);
}

const rows = () =>
  [...root.querySelectorAll('[data-testid="person-item"]')].map((e) => ({
    title: e.querySelector('a')!.textContent,
    stage: e.getAttribute('data-stage'),
    overdue: e.getAttribute('data-overdue'),
    href: e.querySelector('a')!.getAttribute('href'),
  }));

describe('PersonItems', () => {
  it("lists the person's open items with their stage, highlights an overdue case, counts the closed ones and moves in place", async () => {
    const [r] = await upsertContacts([{ name: 'Ana Lima', emails: ['ana@lima.example'] }], src);
    const ana = (r as { contact: { id: string } }).contact.id;
    await listPipelines(db);
    const late = await createItem(
      'pl_service',
      { title: 'Broken invoice', category: 'complaint', contactIds: [ana], slaDueAt: '2026-01-01T00:00:00.000Z' },
      src,
    );
    const deal = await createItem('pl_sales', { title: 'Renewal', contactIds: [ana] }, src);
    const won = await createItem('pl_sales', { title: 'Pilot', contactIds: [ana] }, src);
    await moveItemTo(won.id, 'won');
    await createItem('pl_sales', { title: 'Someone else’s', contactIds: [] }, src);

    const moves: [string, string][] = [];
    await act(() =>
      render(
        h(PersonItems, {
          contactId: ana,
          href: (id: string) => `#/items/${id}`,
          onMove: async (id: string, stageId: string) => void moves.push([id, stageId]),
          now: new Date('2026-12-07T12:00:00.000Z'),
        }),
        root,
      ),
    );
    await until(() => rows().length === 2);
    expect(rows().sort((a, b) => a.title!.localeCompare(b.title!))).toEqual([
      { title: 'Broken invoice', stage: 'New', overdue: 'true', href: `#/items/${late.id}` },
      { title: 'Renewal', stage: 'Lead', overdue: 'false', href: `#/items/${deal.id}` },
    ]);
    expect(root.querySelector(`[data-id="${late.id}"]`)!.className).toContain('task-overdue');
    expect(root.querySelector('[data-testid="person-items-closed"]')!.textContent).toBe('1 closed');

    const select = root.querySelector(`[data-id="${deal.id}"] [data-testid="item-move"]`) as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['Lead', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost']);
    select.value = 'Proposal';
    await act(() => void select.dispatchEvent(new Event('change', { bubbles: true })));
    expect(moves).toEqual([[deal.id, 'proposal']]);
  });

  it('shows nothing for a person without items', async () => {
    await act(() => render(h(PersonItems, { contactId: 'nobody', href: () => '#', onMove: async () => undefined }), root));
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(root.innerHTML).toBe('');
  });
});
