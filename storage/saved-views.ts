// Saved views of the workspace's tables: a name for a filter + sort + columns (the route's query),
// listed in the navigation. One meta row holds them all (a few dozen at most).
import { z } from 'zod';
import { type RapportDB, getDb } from './db';
import { newId } from './schema';

export const SavedView = z.object({
  id: z.string().min(1).max(100),
  /** The table it belongs to; `items`: a pipeline's table (its query names the pipeline: `pipeline=<id>&…`). */
  table: z.enum(['people', 'companies', 'items']),
  name: z.string().trim().min(1).max(100),
  /** The route's query: `stage=lead&tag=vip&sort=-lastContact`. */
  query: z.string().max(4000),
});
export type SavedView = z.infer<typeof SavedView>;

const KEY = 'savedViews';
export const MAX_SAVED_VIEWS = 100;

export async function getSavedViews(db: RapportDB = getDb()): Promise<SavedView[]> {
  const row = await db.meta.get(KEY);
  const parsed = z.array(SavedView).safeParse(row?.value ?? []);
  return parsed.success ? parsed.data : [];
}

/** Saves a view; a view of the same table and name is replaced (its id kept). */
export async function saveView(view: Omit<SavedView, 'id'>, db: RapportDB = getDb()): Promise<SavedView> {
  return db.transaction('rw', db.meta, async () => {
    const views = await getSavedViews(db);
    const name = view.name.trim();
    const same = views.find((v) => v.table === view.table && v.name === name);
    const next = SavedView.parse({ ...view, name, id: same?.id ?? newId('vw') });
    const list = same ? views.map((v) => (v.id === same.id ? next : v)) : [...views, next];
    if (list.length > MAX_SAVED_VIEWS) throw new Error(`at most ${MAX_SAVED_VIEWS} saved views`);
    await db.meta.put({ key: KEY, value: list });
    return next;
  });
}

export async function deleteView(id: string, db: RapportDB = getDb()): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const views = await getSavedViews(db);
    await db.meta.put({ key: KEY, value: views.filter((v) => v.id !== id) });
  });
}
