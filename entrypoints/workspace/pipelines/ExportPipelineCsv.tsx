// "Export CSV" for one pipeline (issue 18 item 6): its items as rapport-<pipeline-name>-<date>.csv,
// downloaded as the workspace's other exports are (a Blob of the file's parts, an anchor click).
// The board mounts it; the rows are importers/pipeline-csv.ts's.
import { useState } from 'preact/hooks';
import { downloadParts } from '../../../components/download';
import { pipelineCsvParts } from '../../../importers/export-files';
import { pipelineCsvFileName } from '../../../importers/pipeline-csv';
import type { Pipeline } from '../../../storage/schema';

function downloadCsv(pipeline: Pipeline): Promise<string> {
  return downloadParts(pipelineCsvParts(pipeline), 'text/csv;charset=utf-8', pipelineCsvFileName(pipeline.name));
}

export function ExportPipelineCsv({ pipeline }: { pipeline: Pipeline }) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const run = async () => {
    setBusy(true);
    setNotice(null);
    try {
      setNotice({ kind: 'ok', text: `Exported ${await downloadCsv(pipeline)}.` });
    } catch (e) {
      setNotice({ kind: 'error', text: `Export failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="ws-pipeline-export">
      <button type="button" data-testid="pipeline-export-csv" disabled={busy} onClick={() => void run()}>
        {busy ? 'Exporting…' : 'Export CSV'}
      </button>
      {notice && (
        <span class="small" role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="pipeline-export-notice">
          {notice.text}
        </span>
      )}
    </span>
  );
}
