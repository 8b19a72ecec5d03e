/** Server-side rendering: pure functions from a request path to a response. */

/** Logical asset name (e.g. `main.js`) to its hashed key under the bucket root. */
export type AssetManifest = Readonly<Record<string, string>>;

export interface RenderedResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const HTML_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  // HTML references hashed assets of exactly this release, so it must never be cached.
  "cache-control": "no-store",
};

export function render(path: string, manifest: AssetManifest, buildLabel: string): RenderedResponse {
  if (path === "/api/health") {
    return {
      statusCode: 200,
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
      body: JSON.stringify({ status: "ok", build: buildLabel }),
    };
  }
  if (path.startsWith("/api/")) {
    return {
      statusCode: 404,
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
      body: JSON.stringify({ error: "not found", path }),
    };
  }
  if (path === "/" || path === "/index.html") {
    return { statusCode: 200, headers: HTML_HEADERS, body: page("Home", "Rendered on the server.", manifest, buildLabel) };
  }
  return { statusCode: 404, headers: HTML_HEADERS, body: page("Not found", `No page at ${escapeHtml(path)}.`, manifest, buildLabel) };
}

function page(title: string, text: string, manifest: AssetManifest, buildLabel: string): string {
  const asset = (name: string) => {
    const key = manifest[name];
    if (!key) throw new Error(`asset ${name} is missing from the build manifest`);
    return `/${key}`;
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${asset("styles.css")}">
<script type="module" src="${asset("main.js")}"></script>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p data-build>server ${escapeHtml(buildLabel)}</p></header>
<main><p>${text}</p>
<p><button type="button" data-lazy-trigger>Show details</button> <span data-lazy-loaded=""></span></p></main>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
