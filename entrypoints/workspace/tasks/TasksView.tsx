// The workspace's Tasks view (`#/tasks`): Overdue, Today, Upcoming and Done, filtered by person,
// company or tag; the filter, the new-task form (`?new=1`, or `n`) and the task to show (`?task=<id>`,
// where a reminder's notification leads) live in the route's query.
import type { ComponentChildren } from 'preact';
import { route } from 'preact-router';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { FollowUpForm, type TaskLinks } from '../../../components/FollowUpForm';
import { useLiveState } from '../../../components/use-live-query';
import type { Source, Task } from '../../../storage/schema';
import { createTask } from '../../../storage/tasks';
import { routeQuery } from '../routes';
import { type TasksData, loadTasks } from './task-data';
import { type TasksQuery, isNewTaskKey, openSections, parseTasksQuery, tasksRoute } from './task-query';
import { TaskItem } from './TaskItem';
import { TaskLinksPicker } from './TaskLinks';
import './tasks.css';

/** Done tasks shown at first, and added by each "Show more". */
export const DONE_PAGE = 50;
/** Open tasks shown per section before "Show all" (a long Upcoming list stays quick to draw). */
const OPEN_SHOWN = 200;

/** The current time, moving on every minute: tasks change section as their time comes. */
function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function NewTask({ q }: { q: TasksQuery }) {
  const [links, setLinks] = useState<TaskLinks>({ contactIds: q.person ? [q.person] : [], companyId: q.company });
  const close = () => route(tasksRoute({ ...q, new: undefined }), true);
  return (
    <section class="ws-task-new" data-testid="task-new-form" aria-label="New task">
      <h2 class="section-title">New task</h2>
      <FollowUpForm
        class="ws-form task-form"
        links={<TaskLinksPicker value={links} onChange={setLinks} />}
        onCancel={close}
        onSave={async ({ fields }) => {
          const source: Source = { type: 'manual', at: new Date().toISOString() };
          await createTask({ ...fields, contactIds: links.contactIds, ...(links.companyId ? { companyId: links.companyId } : {}) }, source);
          close();
        }}
      />
    </section>
  );
}

function Filters({ q, data }: { q: TasksQuery; data: TasksData | undefined }) {
  const set = (patch: Partial<TasksQuery>) => route(tasksRoute({ ...q, ...patch, task: undefined }), true);
  const value = (e: Event) => (e.target as HTMLInputElement).value || undefined;
  return (
    <div class="ws-filters" data-testid="task-filters">
      <label class="ws-filter">
        Person
        <select data-testid="filter-person" value={q.person ?? ''} onChange={(e) => set({ person: value(e) })}>
          <option value="">Anyone</option>
          {data?.choices.people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label class="ws-filter">
        Company
        <select data-testid="filter-company" value={q.company ?? ''} onChange={(e) => set({ company: value(e) })}>
          <option value="">Any</option>
          {data?.choices.companies.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label class="ws-filter">
        Tag
        <input data-testid="filter-tag" placeholder="Any tag" value={q.tag ?? ''} onChange={(e) => set({ tag: value(e)?.trim() })} />
      </label>
    </div>
  );
}

function Section({
  id,
  title,
  tasks,
  now,
  data,
  highlight,
  children,
}: {
  id: string;
  title: string;
  tasks: Task[];
  now: Date;
  data: TasksData;
  highlight?: string;
  children?: ComponentChildren;
}) {
  const [all, setAll] = useState(false);
  // The task to show is drawn even when it is past the first rows.
  const shown = all || tasks.length <= OPEN_SHOWN ? tasks : tasks.filter((t, i) => i < OPEN_SHOWN || t.id === highlight);
  return (
    <section class="task-section" data-testid={`tasks-${id}`} aria-label={title}>
      <h2 class="section-title">
        {title}{' '}
        <span class="muted" data-testid="task-section-count">
          {tasks.length}
        </span>
      </h2>
      {tasks.length === 0 ? (
        <p class="muted small">Nothing here.</p>
      ) : (
        <ul class="task-list">
          {shown.map((t) => (
            <TaskItem key={t.id} task={t} now={now} people={data.people} companies={data.companies} highlighted={t.id === highlight} />
          ))}
        </ul>
      )}
      {shown.length < tasks.length && (
        <button type="button" class="link" onClick={() => setAll(true)}>
          Show all {tasks.length}
        </button>
      )}
      {children}
    </section>
  );
}

export function TasksView({ url }: { path?: string; url?: string }) {
  const query = routeQuery(url);
  const q = useMemo(() => parseTasksQuery(query), [query]);
  const now = useNow();
  const [doneLimit, setDoneLimit] = useState(DONE_PAGE);
  const live = useLiveState(() => loadTasks(q, doneLimit), [q.person, q.company, q.tag, doneLimit]);
  const data = live.state === 'ready' ? live.value : undefined;
  const sections = useMemo(() => data && openSections(data.open, now), [data, now]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isNewTaskKey(e, e.target)) return;
      e.preventDefault();
      route(tasksRoute({ ...q, new: true, task: undefined }));
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [query]);

  // A task named in the route: scrolled to once it is drawn.
  useEffect(() => {
    if (!q.task || !data) return;
    document.querySelector(`[data-testid="task-item"][data-id="${CSS.escape(q.task)}"]`)?.scrollIntoView({ block: 'center' });
  }, [q.task, !!data]);

  return (
    <section class="ws-page ws-tasks" data-testid="tasks-view">
      <header class="ws-page-head">
        <h1 class="grow">Tasks</h1>
        <a class="button" href={`#${tasksRoute({ ...q, new: true, task: undefined })}`} data-testid="task-new" title="New task (n)">
          New task
        </a>
      </header>
      {q.new && <NewTask key={query} q={q} />}
      <Filters q={q} data={data} />
      {live.state === 'loading' && <p class="empty">Loading…</p>}
      {live.state === 'error' && (
        <p class="empty error" role="alert">
          Could not load the tasks: {live.message}
        </p>
      )}
      {data && sections && (
        <>
          <Section id="overdue" title="Overdue" tasks={sections.overdue} now={now} data={data} highlight={q.task} />
          <Section id="today" title="Today" tasks={sections.today} now={now} data={data} highlight={q.task} />
          <Section id="upcoming" title="Upcoming" tasks={sections.upcoming} now={now} data={data} highlight={q.task} />
          <Section id="done" title="Done" tasks={data.done} now={now} data={data} highlight={q.task}>
            {data.moreDone && (
              <button type="button" data-testid="tasks-more-done" onClick={() => setDoneLimit(doneLimit + DONE_PAGE)}>
                Show more done tasks
              </button>
            )}
          </Section>
        </>
      )}
    </section>
  );
}
