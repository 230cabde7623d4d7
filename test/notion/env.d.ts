declare namespace Cloudflare {
	interface Env {
		/** JSON: origin of each fake site (test/fakes/sites.ts). */
		TEST_SITES: string;
		/** The fake sites' origins but "internal" (see vitest.config.ts); also in NotionBindings. */
		OUTBOUND_ALLOW_ORIGINS?: string;
	}
}
