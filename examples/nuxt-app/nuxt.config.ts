// Nitro's aws-lambda preset with response streaming: .output/server/index.mjs exports `handler`,
// .output/public holds the static files. https://nitro.build/deploy/providers/aws
export default defineNuxtConfig({
  compatibilityDate: "2025-07-15",
  devtools: { enabled: false },
  telemetry: false,
  nitro: {
    preset: "aws-lambda",
    awsLambda: { streaming: true },
  },
  vite: {
    // Inlined at build time: a second build with another label (examples/build-apps.mjs
    // --variant b) differs in its pages and hashed chunks, for npm run rehearse.
    define: { __BUILD_LABEL__: JSON.stringify(process.env.EXAMPLE_BUILD_LABEL || "a") },
  },
});
