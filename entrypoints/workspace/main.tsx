import { render } from 'preact';
import '../../components/theme.css';
import { syncSoonAfterEdits } from './sync-soon';
import { getDb } from '../../storage/db';
import { Workspace } from './Workspace';
import './workspace.css';

// Edits here queue outbox entries: the background syncs them a moment later, not on its alarm.
syncSoonAfterEdits();
// Open the database while the first frame renders.
void getDb()
  .open()
  .catch(() => undefined);

render(<Workspace />, document.getElementById('app')!);
