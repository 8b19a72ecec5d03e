/** What the HTTP client fetches after each page: every same-site path the page references. */
import { pathReferences } from "../../../scripts/rehearse/http-client";

describe("pathReferences", () => {
  it("finds script, stylesheet and preload references", () => {
    const html = `<link rel="stylesheet" href="/assets/a.css"><link rel="modulepreload" href='/_nuxt/b.js'><script src="/assets/c.js"></script>`;
    expect(pathReferences(html)).toEqual(["/assets/a.css", "/_nuxt/b.js", "/assets/c.js"]);
  });

  it("leaves out other sites, protocol-relative and relative references", () => {
    expect(pathReferences(`<script src="https://cdn.example/x.js"></script><img src="//cdn.example/y.png"><a href="about">x</a>`)).toEqual([]);
  });

  it("decodes entities in attribute values and drops fragments", () => {
    expect(pathReferences(`<img src="/_next/image?url=%2Flogo.png&amp;w=64"><a href="/page#top">x</a>`)).toEqual(["/_next/image?url=%2Flogo.png&w=64", "/page"]);
  });

  it("lists a path once however often it is referenced", () => {
    expect(pathReferences(`<script src="/a.js"></script><link rel="preload" href="/a.js">`)).toEqual(["/a.js"]);
  });
});
