/**
 * Every real `terraform show -json` plan in __tests__/fixtures/plans parses and yields the
 * counts SOURCES.md lists for it (restated here as a table; the last test checks the table
 * against SOURCES.md so the two cannot drift apart).
 */
import { readdirSync, readFileSync } from "node:fs";
import { parsePlanBytes, parsePlanText, readPlanFile } from "../../../scripts/plan-review/parse";
import { summarizeStack } from "../../../scripts/plan-review/summarize";
import { fixture, FIXTURES, fixtureText } from "./helpers";

interface Expected {
  readonly file: string;
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly replace: number;
  readonly noOp: number;
  readonly read: number;
  /** Entries in resource_drift / output_changes; 0 where SOURCES.md says "no". */
  readonly drift: number;
  readonly outputs: number;
}

// prettier-ignore
const SOURCES: readonly Expected[] = [
  { file: "terraform-compliance__cli__test_issue_522.json",             create: 5, update: 1, delete: 2, replace: 0, noOp: 7, read: 0, drift: 15, outputs: 2 },
  { file: "hieven__terraform-visual__aws-s3.json",                      create: 1, update: 0, delete: 1, replace: 1, noOp: 0, read: 0, drift: 0,  outputs: 0 },
  { file: "hashicorp__terraform__show-json-requires-replace.json",      create: 0, update: 0, delete: 0, replace: 1, noOp: 0, read: 0, drift: 0,  outputs: 0 },
  { file: "hashicorp__terraform__show-json-basic-delete.json",          create: 0, update: 1, delete: 1, replace: 0, noOp: 0, read: 0, drift: 0,  outputs: 1 },
  { file: "hashicorp__terraform__show-json-drift.json",                 create: 0, update: 2, delete: 0, replace: 0, noOp: 0, read: 0, drift: 1,  outputs: 0 },
  { file: "hashicorp__terraform__show-json-moved.json",                 create: 0, update: 1, delete: 0, replace: 0, noOp: 0, read: 0, drift: 0,  outputs: 0 },
  { file: "hashicorp__terraform__show-json-sensitive-values.json",      create: 1, update: 0, delete: 0, replace: 0, noOp: 0, read: 0, drift: 0,  outputs: 1 },
  { file: "hashicorp__terraform__show-json-multi-resource-update.json", create: 1, update: 0, delete: 0, replace: 0, noOp: 1, read: 0, drift: 0,  outputs: 1 },
  { file: "bridgecrewio__checkov__plan_with_deleted_resources.json",    create: 0, update: 0, delete: 0, replace: 1, noOp: 0, read: 0, drift: 0,  outputs: 0 },
  { file: "bridgecrewio__checkov__plan_with_pure_deleted_resources.json", create: 0, update: 0, delete: 1, replace: 0, noOp: 0, read: 0, drift: 0, outputs: 0 },
  { file: "bridgecrewio__checkov__plan_change_keys.json",               create: 0, update: 2, delete: 0, replace: 0, noOp: 0, read: 0, drift: 0,  outputs: 0 },
  { file: "bridgecrewio__checkov__plan_with_utf_16_encoding.json",      create: 3, update: 0, delete: 0, replace: 0, noOp: 0, read: 0, drift: 0,  outputs: 0 },
  { file: "dineshba__tf-summarize__example.json",                       create: 7, update: 0, delete: 0, replace: 0, noOp: 1, read: 0, drift: 3,  outputs: 1 },
  { file: "hashicorp__terraform-json__action_reason.json",              create: 0, update: 0, delete: 0, replace: 1, noOp: 0, read: 0, drift: 0,  outputs: 0 },
  { file: "snyk__cli__tf-plan-destroy.json",                            create: 0, update: 0, delete: 8, replace: 0, noOp: 0, read: 0, drift: 0,  outputs: 0 },
  { file: "snyk__policy-engine__resource-changes.json",                 create: 1, update: 1, delete: 1, replace: 0, noOp: 1, read: 0, drift: 1,  outputs: 0 },
];

describe("real plan fixtures", () => {
  describe.each(SOURCES)("$file", (expected) => {
    // Summarized in each test (not when the file loads) for per-test mutation coverage.
    const summary = () => summarizeStack("prod-app", readPlanFile(fixture(expected.file)));

    it("yields the action counts listed in SOURCES.md", () => {
      const { create, update, delete: del, replace, noOp, read } = summary().counts;
      expect({ create, update, delete: del, replace, noOp, read }).toEqual({
        create: expected.create,
        update: expected.update,
        delete: expected.delete,
        replace: expected.replace,
        noOp: expected.noOp,
        read: expected.read,
      });
    });

    it("yields the drift and output-change entries listed in SOURCES.md", () => {
      expect({ drift: summary().drift.length, outputs: summary().outputs.length }).toEqual({
        drift: expected.drift,
        outputs: expected.outputs,
      });
    });

    it("reads the same plan through the fast path as through a full JSON.parse", () => {
      const bytes = readFileSync(fixture(expected.file));
      expect(parsePlanBytes(bytes, expected.file)).toEqual(parsePlanText(fixtureText(bytes), expected.file));
    });
  });

  it("restates every fixture SOURCES.md lists, with the same counts", () => {
    const table = readFileSync(fixture("SOURCES.md"), "utf8")
      .split("\n")
      .filter((line) => /^\| [^ ]+\.json \|/.test(line))
      .map((line) => line.split("|").map((cell) => cell.trim()))
      .map((cells) => ({
        file: cells[1],
        counts: cells.slice(8, 14).map((c) => Number.parseInt(c, 10)),
        drift: /\((\d+)\)/.exec(cells[14])?.[1] ?? "0",
        outputs: /\((\d+)\)/.exec(cells[15])?.[1] ?? "0",
      }));
    const restated = SOURCES.map((s) => ({
      file: s.file,
      counts: [s.create, s.update, s.delete, s.replace, s.noOp, s.read],
      drift: String(s.drift),
      outputs: String(s.outputs),
    }));
    expect(restated).toEqual(table);
  });

  it("has a row in this table for every fixture file", () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".json")).sort();
    expect(SOURCES.map((s) => s.file).sort()).toEqual(files);
  });

  it("counts the moved resource of the moved fixture as a move", () => {
    expect(summarizeStack("dev-app", readPlanFile(fixture("hashicorp__terraform__show-json-moved.json"))).counts.move).toBe(1);
  });

  it("names the drift entries that have no address from their type and name", () => {
    const summary = summarizeStack("dev-app", readPlanFile(fixture("terraform-compliance__cli__test_issue_522.json")));
    expect(summary.drift.map((d) => d.address)).toContain("aws_cloudwatch_log_group.log_group");
  });
});
