/**
 * The D1-shaped client an app's server gets as `env.DB`, as the source of a
 * module of its sandbox (`kiln-d1.js`). It runs inside the sandbox, over the
 * one RPC stub Kiln hands in (`AppSql`, bound to the project), so models can
 * write the API they already know:
 *
 *   await env.DB.prepare("SELECT * FROM notes WHERE id = ?").bind(id).first();
 *   await env.DB.batch([env.DB.prepare("INSERT ...").bind(a), ...]); // atomic
 *   await env.DB.exec("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT)");
 *
 * Results have D1's shape (`{ success, results, meta }`); a failure throws an
 * Error whose `code` is Kiln's (`sql_error`, `result_too_large`,
 * `database_full`, ...) and whose message starts with it.
 */
export const D1_MODULE = `const parts = new WeakMap();

function fail(e) {
	const err = new Error(e.code + ": " + e.message);
	err.code = e.code;
	throw err;
}

function param(v) {
	if (v === undefined) throw new TypeError("D1_TYPE_ERROR: undefined cannot be bound; use null.");
	if (typeof v === "boolean") return v ? 1 : 0;
	if (typeof v === "bigint") return Number(v);
	if (ArrayBuffer.isView(v)) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
	return v;
}

// D1 gives blobs as arrays of bytes.
function value(v) {
	return v instanceof ArrayBuffer ? Array.from(new Uint8Array(v)) : v;
}

function object(columns, row) {
	const o = {};
	for (let i = 0; i < columns.length; i++) o[columns[i]] = value(row[i]);
	return o;
}

function d1Result(r, sizeAfter) {
	return {
		success: true,
		results: r.rows.map((row) => object(r.columns, row)),
		meta: {
			duration: r.durationMs,
			rows_read: r.rowsRead,
			rows_written: r.rowsWritten,
			changes: r.changes,
			last_row_id: r.lastRowId,
			changed_db: r.rowsWritten > 0,
			size_after: sizeAfter,
		},
	};
}

class Statement {
	#call;
	constructor(call, sql, params) {
		this.#call = call;
		parts.set(this, { sql, params });
	}
	bind(...values) {
		return new Statement(this.#call, parts.get(this).sql, values.map(param));
	}
	async #one() {
		const answer = await this.#call([parts.get(this)]);
		return [answer.results[0], answer.sizeAfter];
	}
	async all() {
		return d1Result(...(await this.#one()));
	}
	async run() {
		return d1Result(...(await this.#one()));
	}
	async first(column) {
		const [r] = await this.#one();
		if (r.rows.length === 0) return null;
		const row = object(r.columns, r.rows[0]);
		if (column === undefined) return row;
		if (!(column in row)) throw new Error("D1_COLUMN_NOTFOUND: Column not found (" + column + ")");
		return row[column];
	}
	async raw(options) {
		const [r] = await this.#one();
		const rows = r.rows.map((row) => row.map(value));
		return options && options.columnNames ? [r.columns, ...rows] : rows;
	}
}

class Database {
	#call;
	constructor(call) {
		this.#call = call;
	}
	prepare(sql) {
		if (typeof sql !== "string") throw new TypeError("DB.prepare: the SQL must be a string.");
		return new Statement(this.#call, sql, []);
	}
	/** Runs the statements in order as one transaction: all take effect, or (on a throw) none. */
	async batch(statements) {
		if (!Array.isArray(statements)) throw new TypeError("DB.batch: pass an array of prepared statements.");
		if (statements.length === 0) return [];
		const list = statements.map((s) => {
			const p = parts.get(s);
			if (!p) throw new TypeError("DB.batch: every item must come from DB.prepare().");
			return p;
		});
		const answer = await this.#call(list);
		return answer.results.map((r) => d1Result(r, answer.sizeAfter));
	}
	/** Runs SQL text as it is (several statements allowed, no bindings), as one transaction. */
	async exec(sql) {
		if (typeof sql !== "string") throw new TypeError("DB.exec: the SQL must be a string.");
		const started = Date.now();
		await this.#call([{ sql, params: [] }]);
		return { count: sql.split(";").filter((s) => s.trim() !== "").length, duration: Date.now() - started };
	}
}

/** The app's env.DB over Kiln's stub: only its own project's database is behind it. */
export function d1(stub) {
	return new Database(async (statements) => {
		const answer = await stub.query(statements);
		if (answer.error) fail(answer.error);
		return answer;
	});
}
`;
