/**
 * Limits the SPA shows before it sends anything. Apart from api.ts so that the
 * SPA's first page can read them without loading zod (api.ts's schemas use
 * them; the SPA loads those only when it checks a request).
 */
export const MAX_PROMPT_CHARS = 20_000;
