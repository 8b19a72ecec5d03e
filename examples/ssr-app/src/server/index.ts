/**
 * Lambda entry point for both the function URL (pages) and the HTTP API (`/api/*`):
 * both deliver API Gateway payload format 2.0 events.
 */
import { render, type AssetManifest } from "./render";

declare const __ASSET_MANIFEST__: AssetManifest;
declare const __BUILD_LABEL__: string;

interface HttpEventV2 {
  readonly rawPath?: string;
  readonly requestContext?: { readonly http?: { readonly path?: string } };
}

export async function handler(event: HttpEventV2) {
  const path = event.rawPath ?? event.requestContext?.http?.path ?? "/";
  return render(path, __ASSET_MANIFEST__, __BUILD_LABEL__);
}
