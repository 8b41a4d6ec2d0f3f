// Rows of the merge tables (storage/db.ts version 9): pairs the user said are not one person, and
// where a merged-away contact went.

/** "Not a duplicate": never suggested again. */
export interface DismissedPair {
  /** pairKey(a, b) (storage/duplicates.ts): the two contact ids in order, `a|b`. */
  key: string;
  a: string;
  b: string;
  at: string;
}

/** A contact merged into another: its id keeps resolving to the survivor (resolveContactId). */
export interface RedirectRow {
  /** The merged-away contact id. */
  from: string;
  /** The contact it was merged into (which may itself have been merged later: follow the chain). */
  to: string;
  at: string;
}
