// The workspace: a full page with the navigation on the left and one section on the right. Routes
// live in the URL hash (`#/people`, `#/people/<id>` …) so a view can be bookmarked and reloaded;
// preact-router reads them through `history`'s hash history.
import { createHashHistory } from 'history';
import { Router, type CustomHistory, type RouterOnChangeArgs, route } from 'preact-router';
import { useState } from 'preact/hooks';
import { useLiveQuery } from '../../components/use-live-query';
import { getSavedViews } from '../../storage/saved-views';
import { CompaniesView } from './companies/CompaniesView';
import { PeopleView } from './people/PeopleView';
import { TasksView } from './tasks/TasksView';
import { PipelinesView } from './pipelines/PipelinesView';
import { ItemPage } from './items/ItemPage';
import { HOME, WORKSPACE_SECTIONS, sectionOf } from './routes';
import { SettingsView } from './SettingsView';
import { WelcomeView } from './WelcomeView';
import { DuplicatesPage } from './duplicates/DuplicatesPage';
import { CompanyPage } from './contact/CompanyPage';
import { ContactPage } from './contact/ContactPage';

// history's hash history has the shape preact-router asks of a custom history.
const hashHistory = createHashHistory() as unknown as CustomHistory;

function Home(_: { default?: boolean }) {
  // An unknown or empty route goes to the home section (replacing it, so Back does not loop).
  route(HOME, true);
  return null;
}

/** Saved views of a table, listed under its navigation link. */
function SavedViews({ table, current }: { table: 'people' | 'companies'; current: string }) {
  const views = useLiveQuery(() => getSavedViews(), []);
  const mine = views?.filter((v) => v.table === table) ?? [];
  if (!mine.length) return null;
  return (
    <div class="ws-saved-views">
      {mine.map((v) => {
        const href = `/${table}${v.query ? `?${v.query}` : ''}`;
        return (
          <a key={v.id} data-testid="saved-view" data-id={v.id} href={`#${href}`} class={current === href ? 'active' : undefined}>
            {v.name}
          </a>
        );
      })}
    </div>
  );
}

function DuplicatesRoute(_: { path: string }) {
  return <DuplicatesPage />;
}

export function Workspace() {
  const [path, setPath] = useState(`${hashHistory.location.pathname}${hashHistory.location.search}`);
  const current = sectionOf(path);
  const onChange = (e: RouterOnChangeArgs) => {
    setPath(e.url);
    const label = WORKSPACE_SECTIONS.find((s) => s.path === sectionOf(e.url))?.label;
    document.title = label ? `${label} · Rapport` : 'Rapport';
  };
  return (
    <div class="workspace">
      <nav data-testid="workspace-nav" class="ws-nav" aria-label="Workspace">
        <div class="ws-brand">Rapport</div>
        {WORKSPACE_SECTIONS.map((s) => [
          <a
            key={s.path}
            data-testid={s.testid}
            href={`#${s.path}`}
            class={current === s.path ? 'active' : undefined}
            aria-current={current === s.path ? 'page' : undefined}
          >
            {s.label}
          </a>,
          s.path === '/people' || s.path === '/companies' ? (
            <SavedViews key={`${s.path}-views`} table={s.path === '/people' ? 'people' : 'companies'} current={path} />
          ) : null,
        ])}
      </nav>
      <main class="ws-main">
        <Router history={hashHistory} onChange={onChange}>
          <PeopleView path="/people" />
          <ContactPage path="/people/:id" />
          <CompaniesView path="/companies" />
          <CompanyPage path="/companies/:id" />
          <TasksView path="/tasks" />
          <PipelinesView path="/pipelines/:id?" />
          <ItemPage path="/items/:id" />
          <DuplicatesRoute path="/duplicates" />
          <SettingsView path="/settings" />
          <WelcomeView path="/welcome" />
          <Home default />
        </Router>
      </main>
    </div>
  );
}
