/**
 * The README is the front door and docs/ holds one page per topic: every relative link in them
 * leads to a file that exists and every `#anchor` to a heading of its target, the README stays
 * short enough to read, links every page, and long pages open with their contents.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { anchorsOf, headingsOf, relativeLinksOf } from "./markdown";

const ROOT = path.resolve(__dirname, "..", "..");
const README = path.join(ROOT, "README.md");
const DOCS = path.join(ROOT, "docs");
/** Issue #13: the front door is at most this many characters. */
const README_MAX_CHARS = 12_000;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith(".md") ? [full] : [];
  });
}

const pages = [README, ...markdownFiles(DOCS)];
const read = (file: string) => readFileSync(file, "utf8");

/** Every problem with the relative links of `file`, one line each: `<file>:<line>: <target>: <why>`. */
function brokenLinks(file: string, text: string, readTarget: (target: string) => string | undefined): string[] {
  return relativeLinksOf(text).flatMap(({ target, line }) => {
    const [rawPath = "", anchor] = target.split("#", 2);
    const where = `${path.relative(ROOT, file)}:${line}: ${target}`;
    const resolved = rawPath === "" ? file : path.resolve(path.dirname(file), decodeURIComponent(rawPath));
    if (path.relative(ROOT, resolved).startsWith("..")) return [`${where}: leads outside the repository`];
    const targetText = rawPath === "" ? text : readTarget(resolved);
    if (targetText === undefined) return [`${where}: no such file or directory`];
    if (anchor === undefined) return [];
    if (!resolved.endsWith(".md")) return /^L\d+(-L\d+)?$/.test(anchor) ? [] : [`${where}: only a Markdown page has heading anchors`];
    return anchorsOf(targetText).has(anchor) ? [] : [`${where}: no heading with that anchor in ${path.relative(ROOT, resolved)}`];
  });
}

/** A target's text: a Markdown page's content, "" for any other file or a directory. */
function readFromDisk(target: string): string | undefined {
  if (!existsSync(target)) return undefined;
  return statSync(target).isFile() && target.endsWith(".md") ? read(target) : "";
}

describe("the docs' anchors", () => {
  it("are GitHub's slugs: lower case, punctuation and code marks dropped, spaces to hyphens", () => {
    expect([...anchorsOf("## `npm run doctor`\n## Certificates: a change is one deploy\n## Migrating from an `<env>-certificates` stack")]).toEqual([
      "npm-run-doctor",
      "certificates-a-change-is-one-deploy",
      "migrating-from-an-env-certificates-stack",
    ]);
  });

  it("number a repeated heading -1, -2 in page order", () => {
    expect([...anchorsOf("# Plan review\n## Sample\n## Sample\n## Sample")]).toEqual(["plan-review", "sample", "sample-1", "sample-2"]);
  });

  it("come only from headings outside fenced code", () => {
    const page = "# Page\n```sh\n# a shell comment\n```\n   ```markdown\n## Rendered sample\n   ```\n## Real";
    expect(headingsOf(page).map((heading) => heading.text)).toEqual(["Page", "Real"]);
  });
});

describe("the link check", () => {
  const page = path.join(DOCS, "page.md");
  const files = new Map([[path.join(DOCS, "other.md"), "# Other\n## Setting it up\n"]]);
  const check = (text: string) => brokenLinks(page, text, (target) => files.get(target));

  it("accepts a link to an existing page and heading", () => {
    expect(check("See [setup](other.md#setting-it-up).")).toEqual([]);
  });

  it("reports a missing file with its line", () => {
    expect(check("# Page\n\nSee [gone](missing.md).")).toEqual(["docs/page.md:3: missing.md: no such file or directory"]);
  });

  it("reports an anchor the target page has no heading for", () => {
    expect(check("See [setup](other.md#set-up).")).toEqual(["docs/page.md:1: other.md#set-up: no heading with that anchor in docs/other.md"]);
  });

  it("reports an anchor of the page itself that it has no heading for", () => {
    expect(check("# Page\nSee [below](#deploy-order).")).toEqual(["docs/page.md:2: #deploy-order: no heading with that anchor in docs/page.md"]);
  });

  it("follows a link whose text wraps onto the next line", () => {
    expect(check("see [Deploy\norder](#deploy-order)")).toEqual(["docs/page.md:2: #deploy-order: no heading with that anchor in docs/page.md"]);
  });

  it("ignores links inside code and URLs with a scheme", () => {
    expect(check("`[x](missing.md)`\n```\n[y](missing.md)\n```\n[z](https://example.com/missing.md)")).toEqual([]);
  });
});

describe("README.md and docs/", () => {
  it("have relative links that all resolve, anchors included", () => {
    expect(pages.flatMap((file) => brokenLinks(file, read(file), readFromDisk))).toEqual([]);
  });

  it(`keep the README within ${README_MAX_CHARS} characters`, () => {
    expect([...read(README)].length).toBeLessThanOrEqual(README_MAX_CHARS);
  });

  it("link every docs page from the README", () => {
    const linked = new Set(relativeLinksOf(read(README)).map(({ target }) => path.resolve(ROOT, target.split("#")[0]!)));
    expect(markdownFiles(DOCS).filter((file) => !linked.has(file)).map((file) => path.relative(ROOT, file))).toEqual([]);
  });

  it("open every page of four or more sections with contents linking each section", () => {
    const missing = markdownFiles(DOCS).flatMap((file) => {
      const text = read(file);
      const sections = headingsOf(text).filter((heading) => heading.level === 2);
      if (sections.length < 4) return [];
      const contents = new Set(relativeLinksOf(text.slice(0, text.search(/^## /m))).map(({ target }) => target));
      return sections.filter((section) => !contents.has(`#${section.anchor}`)).map((section) => `${path.relative(ROOT, file)}: ${section.text}`);
    });
    expect(missing).toEqual([]);
  });
});
