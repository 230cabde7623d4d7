import { Hono } from "hono";
import type { CodegenEnv } from "../context";
import { handleGenerate } from "../generate";

/** POST /api/generate: a prompt becomes a streamed, stored version (see ../generate.ts). */
export const generateRoutes = new Hono<CodegenEnv>().post("/", (c) => handleGenerate(c));
