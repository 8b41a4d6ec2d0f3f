// The workspace's routes (hash routes, as DESIGN.md's contract names them: `workspace.html#/people`
// …) and the links other pages use to open it. Pure: the popup and the background import it
// without the workspace's UI.

export const WORKSPACE_SECTIONS = [
  { path: '/people', label: 'People', testid: 'nav-people' },
  { path: '/companies', label: 'Companies', testid: 'nav-companies' },
  { path: '/tasks', label: 'Tasks', testid: 'nav-tasks' },
  { path: '/pipelines', label: 'Pipelines', testid: 'nav-pipelines' },
  { path: '/duplicates', label: 'Duplicates', testid: 'nav-duplicates' },
  { path: '/settings', label: 'Settings', testid: 'nav-settings' },
] as const;

export type WorkspaceSection = (typeof WORKSPACE_SECTIONS)[number]['path'];

/** The first section a bare `workspace.html` shows. */
export const HOME: WorkspaceSection = '/people';

/** `/people/<id>` for a contact, `/companies/<id>` for a company (ids as in the export). */
export function recordPath(kind: 'contact' | 'company', id: string): string {
  return `${kind === 'contact' ? '/people' : '/companies'}/${encodeURIComponent(id)}`;
}

/** `/pipelines/<id>` (the board), `/pipelines/<id>?view=table` (the table view). */
export function pipelinePath(id: string, view: 'board' | 'table' = 'board'): string {
  return `/pipelines/${encodeURIComponent(id)}${view === 'table' ? '?view=table' : ''}`;
}

/** `/items/<id>`: a pipeline item's page (a deal, a case, a candidate). */
export function itemPath(id: string): string {
  return `/items/${encodeURIComponent(id)}`;
}

/** The extension-relative URL of a workspace route, for `browser.runtime.getURL` / `tabs.create`. */
export function workspaceHref(path: string = HOME): string {
  return `/workspace.html#${path.startsWith('/') ? path : `/${path}`}`;
}

/** The section a route belongs to (`/people/abc` → `/people`), or undefined. */
export function sectionOf(path: string): WorkspaceSection | undefined {
  return WORKSPACE_SECTIONS.find((s) => path === s.path || path.startsWith(`${s.path}/`) || path.startsWith(`${s.path}?`))?.path;
}

/** The query part of a route's URL (`/people?stage=lead&…` → `stage=lead&…`). */
export function routeQuery(url: string | undefined): string {
  const at = url?.indexOf('?') ?? -1;
  return at >= 0 ? url!.slice(at + 1) : '';
}
