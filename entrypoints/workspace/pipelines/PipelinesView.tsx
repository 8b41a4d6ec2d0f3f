// Owned by the board's work (issue 18): `#/pipelines/<id>` — the board, or the table with ?view=table.
export function PipelinesView(_: { path: string; id?: string }) {
  return <section data-testid="pipelines-placeholder">Pipelines</section>;
}
