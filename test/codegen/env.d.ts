declare namespace Cloudflare {
	interface Env {
		/** Root URL of the fake OpenAI-compatible server (test/fakes/openai.ts). */
		FAKE_OPENAI_URL: string;
		/** A rate limit of 3 a minute, for the 429 tests. */
		TIGHT_LIMITER: RateLimit;
		/** JSON: origins of the loopback peers (test/fakes/peers.ts); "a" is an allowed origin. */
		PEERS: string;
	}
}
