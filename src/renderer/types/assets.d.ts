// esbuild bundles imported stylesheets into app.css; the import has no value.
declare module '*.css';
