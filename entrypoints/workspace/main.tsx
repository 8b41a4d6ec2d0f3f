import { render } from 'preact';
import { wakeBackgroundOnWrites } from '../background/page-wake';
import '../../components/theme.css';
import { syncSoonAfterEdits } from './sync-soon';
import { getDb } from '../../storage/db';
import { Workspace } from './Workspace';
import { startLoadingFor } from './list/use-projection';
import './workspace.css';

// Task, cadence and settings writes wake the background (badge, reminders, keep-in-touch).
wakeBackgroundOnWrites();
// Edits here queue outbox entries: the background syncs them a moment later, not on its alarm.
syncSoonAfterEdits();
// Open the database while the first frame renders, and when the page opens on a table, start
// reading its first rows then too (not from the view's effect, a frame later).
void getDb()
  .open()
  .catch(() => undefined);
startLoadingFor(location.hash.replace(/^#/, ''));

render(<Workspace />, document.getElementById('app')!);
