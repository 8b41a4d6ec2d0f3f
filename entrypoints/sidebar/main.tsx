import { render } from 'preact';
import { wakeBackgroundOnWrites } from '../background/page-wake';
import '../../components/theme.css';
import { getDb } from '../../storage/db';
import { prefetchSidebar } from './capture-feed';
import { installMeasurement } from './measure';
import { SidebarApp } from './SidebarApp';
import './sidebar.css';

// Test build only (a build-time constant): the release bundle leaves the measurements out.
if (import.meta.env.RAPPORT_TEST_BUILD) installMeasurement();
const params = new URLSearchParams(location.search);
const theme = params.get('theme');
if (theme === 'dark' || theme === 'light') document.documentElement.dataset.theme = theme;
// A frame preloaded before the page had a theme is told the page's theme when it is shown. The
// page could send this message too: the theme is all it can change.
addEventListener('message', (event: MessageEvent) => {
  const t = (event.data as { rapportTheme?: unknown } | null)?.rapportTheme;
  if (t === 'dark' || t === 'light') document.documentElement.dataset.theme = t;
});
// Task, cadence and settings writes wake the background (badge, reminders, keep-in-touch).
wakeBackgroundOnWrites();
void getDb()
  .open()
  .catch(() => undefined);
void prefetchSidebar().catch(() => undefined);

render(<SidebarApp />, document.getElementById('app')!);
