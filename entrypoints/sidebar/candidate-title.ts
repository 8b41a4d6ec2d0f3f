// The title a candidate gets from a LinkedIn profile: "<name> — <role>". Pure.

/** Where a headline's role ends: "Lead at Acme", "Lead @ Acme", "Lead | Speaker", "Lead · Acme". */
const ROLE_ENDS = [' at ', ' @ ', ' | ', ' · ', ' – ', ' - '];
const MAX_ROLE = 120;

/**
 * The role a profile's headline names (what comes before the employer or the next tagline), or
 * the current title when the headline says nothing usable. Linear: a few `indexOf` over a bounded slice.
 */
export function roleOf(headline: string | undefined, currentTitle?: string): string | undefined {
  const text = (headline ?? '').slice(0, 2000).replace(/\s+/g, ' ').trim();
  let end = text.length;
  for (const sep of ROLE_ENDS) {
    const at = text.indexOf(sep);
    if (at > 0 && at < end) end = at;
  }
  const role = text.slice(0, end).trim().slice(0, MAX_ROLE).trim();
  return role || currentTitle?.trim() || undefined;
}

/** "<name> — <role>", or the name alone. */
export function candidateTitle(name: string, headline: string | undefined, currentTitle?: string): string {
  const role = roleOf(headline, currentTitle);
  return role ? `${name.trim()} — ${role}` : name.trim();
}
