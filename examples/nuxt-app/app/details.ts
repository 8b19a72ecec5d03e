// Imported on demand by pages/index.vue. The build label (EXAMPLE_BUILD_LABEL at build time,
// see nuxt.config.ts) makes this chunk's content, and so its hashed name, differ per build.
declare const __BUILD_LABEL__: string;

export const label = __BUILD_LABEL__;

export function details(): string {
  return `details from build ${label}`;
}
