// One projection per table for the page's lifetime: loaded once, kept current by its watch, shared
// by every view of that table (switching views or saved views reads no record again).
import { useEffect, useState } from 'preact/hooks';
import { type CompanyRow, toCompanyRow } from '../../../storage/company-list';
import { type ContactRow, toContactRow } from '../../../storage/contact-list';
import { getDb } from '../../../storage/db';
import { TableProjection } from '../../../storage/list-source';

let people: TableProjection<'contacts', ContactRow> | undefined;
let companies: TableProjection<'companies', CompanyRow> | undefined;

export function peopleProjection(): TableProjection<'contacts', ContactRow> {
  people ??= new TableProjection(getDb(), 'contacts', toContactRow);
  return people;
}

export function companiesProjection(): TableProjection<'companies', CompanyRow> {
  companies ??= new TableProjection(getDb(), 'companies', toCompanyRow);
  return companies;
}

const listeners = new WeakMap<object, Set<() => void>>();

/**
 * Starts reading a projection, once per page: each page of rows loaded re-renders whoever shows it
 * by then. The view calls it; main.tsx calls it before the first render when the page opens on a
 * table, so the first rows are read while the page renders instead of after its first frame.
 */
export function startLoading<R extends { n: number }>(projection: TableProjection<'contacts' | 'companies', R>): Set<() => void> {
  let set = listeners.get(projection);
  if (!set) {
    const all = new Set<() => void>();
    set = all;
    listeners.set(projection, all);
    const notify = () => all.forEach((f) => f());
    void projection.load(notify).then(notify);
  }
  return set;
}

/** Starts reading the table a route lists (`/people?…`, `/companies`), if it lists one. */
export function startLoadingFor(path: string): void {
  const section = path.split('?')[0];
  if (section === '/people' || section === '' || section === '/') startLoading(peopleProjection());
  else if (section === '/companies') startLoading(companiesProjection());
}

/** The projection's rows and version, re-rendering on every page loaded and every later change. */
export function useProjection<R extends { n: number }>(projection: TableProjection<'contacts' | 'companies', R>) {
  const [, setVersion] = useState(projection.version);
  useEffect(() => {
    const bump = () => setVersion(projection.version);
    const set = startLoading(projection);
    set.add(bump);
    // Pages published between the render and this effect.
    bump();
    const unwatch = projection.watch(bump);
    return () => {
      set.delete(bump);
      unwatch();
    };
  }, [projection]);
  return { rows: projection.rows, version: projection.version, loaded: projection.loaded };
}
