export type NotionEnv = { Bindings: NotionBindings };
