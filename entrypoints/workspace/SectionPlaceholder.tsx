// Temporary: the section's view arrives in the next commits of the workspace issue.
export function SectionPlaceholder({ section }: { path?: string; section: string }) {
  return (
    <div class="ws-section">
      <h2>{section}</h2>
    </div>
  );
}
