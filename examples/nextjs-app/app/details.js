// Imported on demand by lazy-details.jsx. The build label (EXAMPLE_BUILD_LABEL at build time,
// see next.config.mjs) makes this chunk's content, and so its hashed name, differ per build.
export const label = process.env.EXAMPLE_BUILD_LABEL;

export function details() {
  return `details from build ${label}`;
}
