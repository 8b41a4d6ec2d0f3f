import { useState } from 'preact/hooks';
import type { LinkedinCompanyCapture } from '../../../capture/linkedin';
import { upsertCompany } from '../../../storage/repositories';

/** A LinkedIn company page: what it says, and saving the company. */
export function CompanyView({ capture }: { capture: LinkedinCompanyCapture }) {
  const [saved, setSaved] = useState<string | null>(null);
  const save = async () => {
    const c = await upsertCompany(
      {
        name: capture.name,
        domain: capture.domain,
        website: capture.website,
        industry: capture.industry,
        size: capture.size,
        location: capture.location,
        linkedinUrl: capture.linkedinUrl,
      },
      { type: 'linkedin', ref: capture.linkedinUrl, at: new Date().toISOString() },
    );
    setSaved(`Saved ${c.name}.`);
  };
  return (
    <article class="sb-card" data-testid="sidebar-company" data-linkedin={capture.linkedinUrl}>
      <h3 dir="auto">{capture.name}</h3>
      {capture.domain && <div class="small muted">{capture.domain}</div>}
      {capture.industry && <div class="small">{capture.industry}</div>}
      {capture.size && <div class="small muted">{capture.size}</div>}
      <div class="sb-actions">
        <button class="primary" data-testid="save-company" onClick={() => void save()}>
          Save company
        </button>
      </div>
      {saved && (
        <p class="ok small" role="status" data-testid="company-saved">
          {saved}
        </p>
      )}
    </article>
  );
}
