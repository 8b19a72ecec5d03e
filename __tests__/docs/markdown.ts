/**
 * Just enough Markdown reading for the docs tests: the headings a page's anchors come from and
 * the links it makes, both outside fenced code blocks and inline code (where a `[x](y)` or a
 * `# comment` is text, not Markdown). Anchors follow GitHub's rule through github-slugger, the
 * library that reproduces it: lower case, punctuation dropped except `-` and `_`, spaces to
 * `-`, and a repeated heading gets `-1`, `-2`, … in page order.
 */
import GithubSlugger from "github-slugger";

/** The lines outside fenced code blocks (``` or ~~~, also indented inside list items). */
function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker) fence = marker[0]!.repeat(marker.length);
    else if (fence !== undefined && marker?.startsWith(fence)) fence = undefined;
    else if (fence === undefined) lines.push(line);
  }
  return lines;
}

/** Heading text as GitHub renders it before slugging: link text kept, code marks dropped. */
function renderedText(heading: string): string {
  return heading.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/`/g, "");
}

export interface Heading {
  /** 1 for `#`, 2 for `##`, … */
  readonly level: number;
  /** The text as rendered (link text kept, code marks dropped). */
  readonly text: string;
  /** GitHub's anchor for it, numbered when an earlier heading had the same. */
  readonly anchor: string;
}

/** The ATX headings (`#` … `######`) of a page, in order, with their anchors. */
export function headingsOf(markdown: string): Heading[] {
  const slugger = new GithubSlugger();
  return proseLines(markdown).flatMap((line) => {
    const match = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!match) return [];
    const text = renderedText(match[2]!);
    return [{ level: match[1]!.length, text, anchor: slugger.slug(text) }];
  });
}

/** The `#anchor`s GitHub gives a page's headings. */
export function anchorsOf(markdown: string): Set<string> {
  return new Set(headingsOf(markdown).map((heading) => heading.anchor));
}

export interface Link {
  /** The target as written: a path, a path with `#anchor`, or `#anchor` alone. */
  readonly target: string;
  /** 1-based line of the page, for the failure message. */
  readonly line: number;
}

/** Inline links and images, `[text](target "title")`, outside code; URLs with a scheme left out. */
export function relativeLinksOf(markdown: string): Link[] {
  const links: Link[] = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((line, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker) return void (fence = marker[0]!.repeat(marker.length));
    if (fence !== undefined) return void (marker?.startsWith(fence) && (fence = undefined));
    const prose = line.replace(/`[^`]*`/g, "code");
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1]!;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ target, line: index + 1 });
    }
  });
  return links;
}
