// Settings inside the workspace: the same sections as the options page (data, CRM connections,
// rules), so there is one place to manage everything; options.html stays the browser's own entry
// to them (decision 0041).
import { ConnectorsSection } from '../options/ConnectorsSection';
import { DataSection } from '../options/DataSection';
import { KeepInTouchSection } from '../options/KeepInTouchSection';
import { RulesSection } from '../options/RulesSection';
import '../options/options.css';

export function SettingsView(_: { path?: string }) {
  return (
    <div class="options ws-settings">
      <h2>Settings</h2>
      <DataSection />
      <ConnectorsSection />
      <RulesSection />
      <KeepInTouchSection />
    </div>
  );
}
