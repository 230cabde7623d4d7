import type { ReactNode } from "react";
import { Logo, PlusIcon } from "./icons";
import { Link } from "./Link";

export function Header({ children, showNew }: { children?: ReactNode; showNew?: boolean }) {
	return (
		<header className="site-header">
			<Link to="/" className="brand" aria-label="Kiln home">
				<Logo />
				<span className="brand-name">Kiln</span>
			</Link>
			<div className="header-main">{children}</div>
			{showNew && (
				<Link to="/" className="btn btn-quiet header-new">
					<PlusIcon />
					<span>New app</span>
				</Link>
			)}
		</header>
	);
}
