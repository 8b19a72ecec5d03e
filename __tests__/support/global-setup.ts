/**
 * Starts one moto_server for the whole jest run and points every AWS SDK client in the
 * test workers at it through the SDK's standard AWS_ENDPOINT_URL variable.
 */
import { localAwsEnvironment, startMotoServer, type MotoServer } from "../../scripts/local-aws/moto-server";

declare global {
  var __MOTO_SERVER__: MotoServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const server = await startMotoServer();
  globalThis.__MOTO_SERVER__ = server;
  Object.assign(process.env, localAwsEnvironment(server.endpoint), {
    // Read by tests that need the emulator's address (e.g. to put a fault proxy in front).
    MOTO_ENDPOINT: server.endpoint,
    CHECKPOINT_DISABLE: "1",
    // SDK versions are pinned; its Node 22 notice would only clutter test output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });
  // Keep credentials from the developer's profile out of tests.
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
}
