/** Passwords made of the characters that config files, shells, HAProxy and URLs treat specially. */
export const NASTY_PASSWORDS: readonly string[] = [
  'with space',
  "single'quote",
  'double"quote',
  'hash#not-a-comment',
  '$HOME',
  'back\\slash',
  '\\x41',
  'trailing\\',
  ' leading and trailing ',
  'p a\'ss"w#o$rd\\x',
  '%2B+&=?/@:;{}[]<>|`~!*()^',
];

/** A readable name for a test title. */
export const shown = (password: string): string => JSON.stringify(password);
