/**
 * The example app's own layout (examples/ssr-app/build.mjs): `server/` is the Lambda package
 * (`index.js` exports `handler`, buffered), `client/` holds `assets/<name>.<hash>.<ext>`.
 * Its files already sit under `assets/`, so they are uploaded without a key prefix and
 * served by the one behaviour `assets/*`.
 */
import path from "node:path";
import type { AppBuildDescription } from "../description";
import { SERVER_FUNCTION_ID } from "../description";
import { directoryDigest } from "../digest";

export function describeExampleBuild(root: string): AppBuildDescription {
  const bundleDir = path.join(root, "server");
  return {
    kind: "example",
    root,
    buildId: directoryDigest(bundleDir).slice(0, 16),
    functions: [
      {
        id: SERVER_FUNCTION_ID,
        bundleDir,
        handler: "index.handler",
        streaming: false,
        trigger: { kind: "http" },
        environment: {},
        grants: [],
      },
    ],
    staticFiles: { dir: path.join(root, "client"), keyPrefix: "", cacheRules: [] },
    behaviours: [{ pathPattern: "assets/*", target: { kind: "static-files" } }],
    tables: [],
    queues: [],
  };
}
