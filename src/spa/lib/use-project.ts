/**
 * Loads a project for the page: the project and its versions (again after
 * each version this page writes), and the code of the version on screen.
 * Versions' code is fetched once per page and shared (the Changes tab reads
 * it too). `routeVersion` null means the latest.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { type ApiError, fetchProject, fetchVersion, type ProjectWithVersions, type Version } from "./api";

export function useProject(project: string, routeVersion: number | null, justWrote: number | null) {
	const [data, setData] = useState<ProjectWithVersions | null>(null);
	const [loadError, setLoadError] = useState<ApiError | null>(null);
	const [code, setCode] = useState<{ n: number; code: string; server: string | null } | null>(null);
	const cache = useRef(new Map<string, Promise<Version>>());

	// The project, again after each version this page writes.
	// biome-ignore lint/correctness/useExhaustiveDependencies: justWrote is the trigger to reload
	useEffect(() => {
		const abort = new AbortController();
		setLoadError(null);
		// An answer that settles after this effect was replaced is stale: the 404 of a lookup
		// made while v1 was still being written must not land after v1's own lookup.
		fetchProject(project, abort.signal).then(
			(d) => {
				if (!abort.signal.aborted) setData(d);
			},
			(err: ApiError) => {
				if (!abort.signal.aborted) setLoadError(err);
			},
		);
		return () => abort.abort();
	}, [project, justWrote]);

	const loadVersion = useCallback(
		(n: number) => {
			const key = `${project}/${n}`;
			let p = cache.current.get(key);
			if (!p) {
				p = fetchVersion(project, n);
				p.catch(() => cache.current.delete(key));
				cache.current.set(key, p);
			}
			return p;
		},
		[project],
	);

	const versions = data?.project.id === project ? data.versions : [];
	const latest = versions.at(-1)?.number ?? null;
	const current = routeVersion ?? latest;
	const currentSummary = versions.find((v) => v.number === current) ?? null;

	useEffect(() => {
		if (current === null || !currentSummary) return;
		let live = true;
		loadVersion(current).then(
			(v) => live && setCode({ n: v.number, code: v.code, server: v.server }),
			(err: ApiError) => live && setLoadError(err),
		);
		return () => {
			live = false;
		};
	}, [current, currentSummary, loadVersion]);

	return { data, loadError, code, loadVersion, versions, latest, current, currentSummary };
}
