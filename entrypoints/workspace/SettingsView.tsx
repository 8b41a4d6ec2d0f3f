// Settings inside the workspace: the same sections as the options page (data, CRM connections,
// rules), so there is one place to manage everything; options.html stays the browser's own entry
// to them (decision 0041). Custom fields, which only the workspace's pages show, are here alone.
import { ConnectorsSection } from '../options/ConnectorsSection';
import { DataSection } from '../options/DataSection';
import { KeepInTouchSection } from '../options/KeepInTouchSection';
import { RulesSection } from '../options/RulesSection';
import { CustomFieldsSection } from './contact/CustomFields';
import { RemindersSection } from '../options/RemindersSection';
import '../options/options.css';

export function SettingsView(_: { path?: string }) {
  return (
    <div class="options ws-settings">
      <h2>Settings</h2>
      <DataSection />
      <ConnectorsSection />
      <RulesSection />
      <KeepInTouchSection />
      <CustomFieldsSection />
      <RemindersSection />
    </div>
  );
}
