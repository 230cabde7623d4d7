// Miniflare, which runs the local D1 databases of layers 2-4, declares Node 22
// and wrangler 22.12. On an older Node the gate is unsupported: it may run (it
// did on 20.20.2 with Miniflare 5.20261102 beta) or fail deep inside Miniflare
// with an error that says nothing useful, so the bin refuses up front.
export const MINIMUM = [22, 12];

/** The message to print when `version` (process.versions.node) is too old, else null. */
export function nodeTooOld(version) {
	const [major, minor] = version.split(".").map(Number);
	if (major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1])) return null;
	return (
		`kiln-gate: needs Node ${MINIMUM.join(".")} or later (Miniflare, which runs local D1, requires it); this is Node ${version}.\n` +
		"  Run it with a newer Node, e.g. `npx -p node@22 -p kiln-gate kiln-gate --against <ref>`, or switch with nvm, fnm or volta.\n"
	);
}
