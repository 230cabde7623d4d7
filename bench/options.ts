/**
 * `BENCH_SMOKE=1` (or `npm run bench -- --smoke`): every bench runs end to end
 * with tiny sizes, so CI proves each one still works without paying for figures
 * worth reading. Its numbers mean nothing; the full run's do.
 */
export const SMOKE = process.env.BENCH_SMOKE === "1";

/** `full` normally, `tiny` in a smoke run; an explicit environment variable wins over both. */
export function size(envName: string, full: number, tiny: number): number {
	const set = process.env[envName];
	return set ? Number(set) : SMOKE ? tiny : full;
}
