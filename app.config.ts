/**
 * The app build this workspace deploys: the folder your build writes (OpenNext's project
 * folder holding `.open-next/`, Nitro's project folder holding `.output/`, or the example
 * app's `dist/`). The kind is detected from the layout; set `kind` to state it. `APP_DIR=<dir>`
 * overrides `dir` for one command. See docs/deploy-your-own-app.md.
 */
import { defineAppConfig } from "./lib/app-build/config";

export default defineAppConfig({
  dir: "examples/ssr-app/dist",
  // What the pipeline's build job runs (`npm run app -- --build`) before synth.
  build: "npm run build:example",
});
