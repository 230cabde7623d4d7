// Vite bundles the stylesheets the entry imports.
declare module "*.css";
