/** The six automation routes, by path. */
import type { Automation } from "./contract";
import { automation as callout } from "./example-callout";
import { automation as childPages } from "./example-child-pages";
import { automation as databasePage } from "./example-database-page";
import { automation as databasePages } from "./example-database-pages";
import { automation as guestWelcome } from "./example-guest-welcome";
import { automation as propertyInjections } from "./property-injections";

export const automations: Automation[] = [
	databasePages,
	databasePage,
	childPages,
	callout,
	guestWelcome,
	propertyInjections,
];

export const automationByPath = new Map(automations.map((a) => [a.path, a]));
