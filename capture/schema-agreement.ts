// Compile-time guard for the capture schemas: each schema's output and the hand-written interface
// the content scripts use must be the same type, so neither can change without the other (an
// optional field added to one side only fails too, which plain assignability would let through).

/** `true` when A and B are identical types (the compiler's own identity check), else `false`. */
export type Agree<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only for `true`: `Assert<Agree<Output, Interface>>`. */
export type Assert<T extends true> = T;
