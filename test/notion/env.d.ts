declare namespace Cloudflare {
	interface Env {
		/** JSON: origin of each fake site (test/fakes/sites.ts). */
		TEST_SITES: string;
	}
}
