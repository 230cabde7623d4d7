/** The six automation routes, by path. */
import type { Automation } from "./automation";
import { automation as callout } from "./routes/example-callout";
import { automation as childPages } from "./routes/example-child-pages";
import { automation as databasePage } from "./routes/example-database-page";
import { automation as databasePages } from "./routes/example-database-pages";
import { automation as guestWelcome } from "./routes/example-guest-welcome";
import { automation as propertyInjections } from "./routes/property-injections";

export const automations: Automation[] = [
	databasePages,
	databasePage,
	childPages,
	callout,
	guestWelcome,
	propertyInjections,
];

export const automationByPath = new Map(automations.map((a) => [a.path, a]));
