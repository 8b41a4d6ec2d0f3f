// Saves a file the page built (an export) through the browser's download: the parts joined in a
// Blob, an anchor clicked, the object URL freed a minute later (the download has its copy by then).

/** Downloads `parts` as `fileName`; returns the name. */
export async function downloadParts(parts: AsyncIterable<string> | Iterable<string>, mime: string, fileName: string): Promise<string> {
  const chunks: string[] = [];
  for await (const p of parts) chunks.push(p);
  const url = URL.createObjectURL(new Blob(chunks, { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return fileName;
}
