declare namespace Cloudflare {
	interface Env {
		/** Read from migrations/ by the vitest config; applied by test/apply-migrations.ts. */
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
	}
	// Each test project runs a different Worker as its main module; all of them
	// export a default fetch handler, which is what tests call via `exports.default`.
	interface GlobalProps {
		mainModule: { default: ExportedHandler };
	}
}
