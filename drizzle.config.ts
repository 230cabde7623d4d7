import { defineConfig } from "drizzle-kit";

// drizzle-kit 0.31 writes flat `migrations/NNNN_name.sql` files, the layout that
// both `wrangler d1 migrations apply` and the vitest plugin's readD1Migrations read.
export default defineConfig({
	dialect: "sqlite",
	// The code's one schema, then tables retired from it whose DROP has not shipped yet
	// (src/db/retired.ts says why drizzle-kit must still see them).
	schema: ["./src/db/schema.ts", "./src/db/retired.ts"],
	out: "./migrations",
});
