/** @type {import('next').NextConfig} */
const nextConfig = {
  // OpenNext packages the standalone output into the server function.
  output: "standalone",
  // Inlined at build time: a second build with another label (examples/build-apps.mjs
  // --variant b) differs in its pages and hashed chunks, for npm run rehearse.
  env: { EXAMPLE_BUILD_LABEL: process.env.EXAMPLE_BUILD_LABEL || "a" },
};
export default nextConfig;
