// Settings that are not in wrangler.toml (secrets, or set per machine in
// .dev.vars / the environment; see .dev.vars.example). Merged into the
// generated CodegenBindings interface.
interface CodegenBindings {
	LLM_PROVIDER?: string;
	LLM_BASE_URL?: string;
	LLM_API_KEY?: string;
	LLM_MODEL?: string;
	LLM_IDLE_TIMEOUT_MS?: string;
	LLM_MAX_RETRIES?: string;
	LLM_MAX_OUTPUT_TOKENS?: string;
	PROJECT_ORIGIN?: string;
	APP_SERVER_TIMEOUT_MS?: string;
	APP_SERVERS?: string;
	APP_DB_MAX_BYTES?: string;
	OUTBOUND_ALLOW_ORIGINS?: string;
	KILN_SECRETS_KEY?: string;
	KILN_OPERATOR_TOKEN?: string;
}
