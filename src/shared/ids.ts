/**
 * Project ids are short lowercase slugs (they double as a DNS label for the
 * project's own origin): 3 to 32 characters of a-z and 0-9.
 */
export const PROJECT_ID = /^[a-z0-9]{3,32}$/;

/** Largest version number a URL may name; anything bigger is malformed, not missing. */
export const MAX_VERSION = 1_000_000;

/** A version number as written in a URL: plain decimal, no sign, no leading zero, no exponent. */
export const VERSION_NUMBER = /^[1-9][0-9]{0,6}$/;
