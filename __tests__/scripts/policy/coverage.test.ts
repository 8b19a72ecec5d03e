/**
 * Coverage is counted, not claimed: every checkov check of the reference list (copied from
 * ../shared/reference/checkov-aws-checks.md) is named by a rule or waived with a reason, and
 * the coverage table in docs/policy.md says the same as the code.
 */
import fs from "node:fs";
import path from "node:path";
import { checkovCoverage, WAIVED_CHECKOV } from "../../../scripts/policy/coverage";
import { RULES } from "../../../scripts/policy/rules";

const ROOT = path.resolve(__dirname, "../../..");
const reference = fs.readFileSync(path.join(ROOT, "__tests__/fixtures/checkov-aws-checks.md"), "utf8");
/** The policy page: its rule table and its checkov coverage table. */
const page = fs.readFileSync(path.join(ROOT, "docs", "policy.md"), "utf8");

/**
 * The check ids a text names, with the list's shorthands expanded: `CKV_AWS_53/54/55/56`,
 * `CKV_AWS_286–290, 355` (a range, then one more of the same prefix).
 */
function checkovIdsIn(text: string): string[] {
  const ids: string[] = [];
  for (const [, prefix, first, tail] of text.matchAll(/(CKV2?_AWS_)(\d+)((?:\s*[/–,]\s*\d+)*)/g)) {
    let previous = Number(first);
    ids.push(`${prefix}${previous}`);
    for (const [, separator, digits] of tail.matchAll(/([/–,])\s*(\d+)/g)) {
      const next = Number(digits);
      const from = separator === "–" ? previous + 1 : next;
      for (let n = from; n <= next; n++) ids.push(`${prefix}${n}`);
      previous = next;
    }
  }
  return [...new Set(ids)];
}

/** `| CKV_AWS_53 | S3-1 | … |` rows of the page's coverage table: id → the rule column. */
function coverageTable(): Map<string, string> {
  return new Map([...page.matchAll(/^\| (CKV2?_AWS_\d+) \| ([^|]+) \|/gm)].map(([, id, rules]) => [id, rules.trim()]));
}

const ids = checkovIdsIn(reference);
const coverage = checkovCoverage(RULES);

describe("checkov coverage", () => {
  it("reads the reference list's shorthands (ranges and slashes) into ids", () => {
    expect(checkovIdsIn("CKV_AWS_53/54 and CKV_AWS_286–288, 355; CKV2_AWS_6")).toEqual(["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288", "CKV_AWS_355", "CKV2_AWS_6"]);
  });

  it("finds the reference list's checks", () => {
    expect(ids.length).toBe(95);
  });

  it("names every check of the reference list in a rule or waives it", () => {
    expect(ids.filter((id) => !coverage.covered[id] && !coverage.waived[id])).toEqual([]);
  });

  it("waives no check that a rule enforces", () => {
    expect(WAIVED_CHECKOV.map((w) => w.checkov).filter((id) => coverage.covered[id])).toEqual([]);
  });

  it("maps rules only to checks of the reference list (no typo'd ids)", () => {
    expect(Object.keys(coverage.covered).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it("gives every waiver a reason", () => {
    expect(WAIVED_CHECKOV.filter((w) => w.reason.trim().length < 20).map((w) => w.checkov)).toEqual([]);
  });

  it("lists every check in the docs' coverage table with the rules the code names, or as waived", () => {
    const expected = new Map(ids.map((id) => [id, coverage.covered[id]?.join(", ") ?? "waived"]));
    expect(coverageTable()).toEqual(expected);
  });

  it("lists every rule in the docs' rule table", () => {
    expect(RULES.map((r) => r.id).filter((id) => !page.includes(`| ${id} |`))).toEqual([]);
  });
});
