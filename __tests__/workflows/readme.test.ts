/**
 * The README's pipeline section against the workflows: what it tells people to set up is
 * what the workflows need, and it does not promise what they do not do.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { environmentName, ROOT, workflow } from "./support";

const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("<!-- section:pipeline -->"), readme.indexOf("<!-- /section:pipeline -->"));
const setup = section.slice(section.indexOf("### Setting it up"), section.indexOf("### Concurrency"));

describe("README pipeline section", () => {
  it("exists, with a setup list", () => {
    expect([section.length > 1000, setup.length > 500]).toEqual([true, true]);
  });

  it("lists every GitHub environment the deploy and rollback jobs run in", () => {
    const names = ["deploy.yml", "rollback.yml"].flatMap((file) =>
      Object.values(workflow(file).jobs)
        .map((job) => environmentName(job))
        // A literal name, or the names an expression picks (`… && 'production-rollback' || …`).
        .flatMap((name) => (name === undefined ? [] : name.startsWith("$") ? [...name.matchAll(/&& '([\w-]+)'/g)].map((m) => m[1]!) : [name])),
    );
    const undocumented = [...new Set(names)].filter((name) => !["dev", "staging"].includes(name) && !setup.includes(`\`${name}\``));
    expect([names.includes("production-rollback"), undocumented]).toEqual([true, []]);
  });

  it("documents production-rollback as limited to main and without required reviewers", () => {
    const item = setup.slice(setup.indexOf("`production-rollback`:"), setup.indexOf("\n  - ", setup.indexOf("`production-rollback`:")));
    expect([/limited to `main`/.test(item), /\*\*no\*\* required reviewers/.test(item)]).toEqual([true, true]);
  });

  it("has the prod role trust the production-rollback environment", () => {
    expect(setup).toContain("…:environment:production-rollback");
  });

  it("lists s3:ListBucket on the state bucket and the lock-file permissions for the backend", () => {
    expect([/`s3:ListBucket`\s+on the state bucket/.test(setup), /`s3:DeleteObject` on\s+`<key>\.tflock`/.test(setup)]).toEqual([true, true]);
  });

  it("lists no repository variable the workflows do not read", () => {
    const listed = [...setup.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((m) => m[1]!);
    const texts = ["ci.yml", "deploy.yml", "rollback.yml", "drift.yml"].map((file) => workflow(file).text).join("\n");
    // Per-environment variables are read as format('AWS_ROLE_ARN_{0}', …).
    const read = (name: string) => texts.includes(name) || texts.includes(`'${name.replace(/_(DEV|STAGING|PROD)$/, "_{0}")}'`);
    expect([listed.length > 0, listed.filter((name) => !read(name))]).toEqual([true, []]);
  });

  it("says that drift plans main's head, so a pending or pinned deploy shows as drift", () => {
    const drift = section.slice(section.indexOf("### What drift does and does not mean"));
    expect([/\*\*head of main\*\*/.test(drift), /waiting for a reviewer/.test(drift), /pinned/.test(drift)]).toEqual([true, true, true]);
  });
});
