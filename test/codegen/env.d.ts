declare namespace Cloudflare {
	interface Env {
		/** Root URL of the fake OpenAI-compatible server (test/fakes/openai.ts). */
		FAKE_OPENAI_URL: string;
		/** A rate limit of 3 a minute, for the 429 tests. */
		TIGHT_LIMITER: RateLimit;
		/** JSON: origins of the loopback peers (test/fakes/peers.ts); "a" is an allowed origin. */
		PEERS: string;
		/** The operator's credential (KILN_OPERATOR_TOKEN), for the takedown tests. */
		KILN_OPERATOR_TOKEN: string;
		/** The key that seals owners' secrets (KILN_SECRETS_KEY). */
		KILN_SECRETS_KEY: string;
	}
}
