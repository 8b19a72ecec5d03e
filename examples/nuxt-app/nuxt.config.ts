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
});
