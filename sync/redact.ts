// Secrets never reach logs, stored error messages or messages to pages: every text the engine
// keeps or prints about a connector goes through redact() with that connector's secret values.

const MIN_SECRET_LENGTH = 4;

/** Replaces every occurrence of the secret values (and anything after "Bearer ") in `text`. */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  const values = [...secrets].filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  for (const s of values) out = out.split(s).join('[redacted]');
  // Tokens that are not (or no longer) in the secrets table, echoed by a server or a proxy.
  out = out.replace(/(bearer|basic|token)(\s+|=|:\s*)[A-Za-z0-9._~+/=-]{8,}/gi, '$1$2[redacted]');
  return out.length > 2000 ? `${out.slice(0, 2000)}…` : out;
}

/** A readable message for anything thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
