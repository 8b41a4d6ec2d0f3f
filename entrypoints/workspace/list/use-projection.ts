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

/** The projection's rows and version, re-rendering on every page loaded and every later change. */
export function useProjection<R extends { n: number }>(projection: TableProjection<'contacts' | 'companies', R>) {
  const [, setVersion] = useState(projection.version);
  useEffect(() => {
    const bump = () => setVersion(projection.version);
    let set = listeners.get(projection);
    if (!set) {
      // First use: load it (each page loaded re-renders whoever shows it by then).
      const all = new Set<() => void>();
      set = all;
      listeners.set(projection, all);
      const notify = () => all.forEach((f) => f());
      void projection.load(notify).then(notify);
    }
    set.add(bump);
    const unwatch = projection.watch(bump);
    return () => {
      set.delete(bump);
      unwatch();
    };
  }, [projection]);
  return { rows: projection.rows, version: projection.version, loaded: projection.loaded };
}
