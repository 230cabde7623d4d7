export declare const MINIMUM: [number, number];
/** The message to print when `version` (process.versions.node) is too old, else null. */
export declare function nodeTooOld(version: string): string | null;
