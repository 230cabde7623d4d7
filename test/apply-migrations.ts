// Setup file for every workerd project: brings the test's D1 to the schema of
// every migration in migrations/ (idempotent; storage is isolated per file).
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
