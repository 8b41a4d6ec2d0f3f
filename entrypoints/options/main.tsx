import { render } from 'preact';
import { wakeBackgroundOnWrites } from '../background/page-wake';
import '../../components/theme.css';
import { DataSection } from './DataSection';
import { ConnectorsSection } from './ConnectorsSection';
import { KeepInTouchSection } from './KeepInTouchSection';
import { RulesSection } from './RulesSection';
import { RemindersSection } from './RemindersSection';
import './options.css';

// Task, cadence and settings writes wake the background (badge, reminders, keep-in-touch).
wakeBackgroundOnWrites();
function Options() {
  return (
    <main class="options">
      <header>
        <h1>Rapport</h1>
        <p class="muted">Everything Rapport knows lives in this browser's own database. Nothing leaves it unless you connect a CRM.</p>
        <p>
          <a data-testid="open-workspace" href="/workspace.html#/people" target="_blank" rel="noopener">
            Open the workspace
          </a>{' '}
          to see and edit your people and companies.
        </p>
      </header>
      <DataSection />
      <ConnectorsSection />
      <RulesSection />
      <KeepInTouchSection />
      <RemindersSection />
    </main>
  );
}

render(<Options />, document.getElementById('app')!);
