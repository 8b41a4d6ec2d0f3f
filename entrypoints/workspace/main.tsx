import { render } from 'preact';
import '../../components/theme.css';
import { getDb } from '../../storage/db';
import { Workspace } from './Workspace';
import './workspace.css';

// Open the database while the first frame renders.
void getDb()
  .open()
  .catch(() => undefined);

render(<Workspace />, document.getElementById('app')!);
