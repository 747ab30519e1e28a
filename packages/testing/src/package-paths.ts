import { fileURLToPath } from 'node:url';

// This file sits at src/package-paths.ts and dist/package-paths.js: one level below the package root.
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const verdaccioPluginsDir = fileURLToPath(new URL('../verdaccio-plugins', import.meta.url));
/** The compiled child entry (always from dist/, so it also works when src/ is imported by vitest). */
export const verdaccioChildScript = fileURLToPath(
  new URL('../dist/registry/verdaccio-child.js', import.meta.url),
);
/** The compiled trusted-publishing service our Verdaccio plugin imports (from dist/, like the child). */
export const trustedPublishingServiceModule = fileURLToPath(
  new URL('../dist/registry/trusted-publishing/exchange-service.js', import.meta.url),
);
