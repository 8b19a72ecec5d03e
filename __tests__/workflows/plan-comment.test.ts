/**
 * The pull-request plan comment never shows an outdated plan as current: it is rewritten when
 * synth fails, only this workflow's own comment is updated, labels do not re-run CI, and the
 * `allow-destroy` label is read as it is when the job runs. The comment-building step and the
 * github-script are run here with stand-ins for `gh` and the GitHub client.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "../support/temp-dir";
import { workflow } from "./support";

const ci = workflow("ci.yml");
const review = ci.jobs["plan-review"]!;
const summarise = review.steps.find((s) => s.id === "review")!;
const post = review.steps.find((s) => s.uses?.startsWith("actions/github-script@"))!;

/** Runs the "Summarise the plans" step in an empty folder (no plans downloaded), `gh` answering `labelled`. */
function summariseWith(env: Record<string, string>, labelled = false): { status: number | null; comment: string; ghCalls: string } {
  const dir = tempDir("plan-comment-");
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(path.join(bin, "gh"), `#!/usr/bin/env bash\necho "$*" >> "${dir}/gh.log"\n[ -z "$GH_FAILS" ] || exit 1\necho ${labelled}\n`);
  chmodSync(path.join(bin, "gh"), 0o755);
  writeFileSync(path.join(dir, "gh.log"), "");
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", summarise.run!], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      GITHUB_OUTPUT: path.join(dir, "out"),
      GITHUB_STEP_SUMMARY: path.join(dir, "summary"),
      GITHUB_SHA: "abc123",
      GITHUB_REPOSITORY: "o/r",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_RUN_ID: "7",
      PR_NUMBER: "12",
      ...env,
    },
  });
  return { status: result.status, comment: readFileSync(path.join(dir, "comment.md"), "utf8"), ghCalls: readFileSync(path.join(dir, "gh.log"), "utf8") };
}

describe("ci.yml triggers", () => {
  it("does not run on label changes", () => {
    expect((ci.on.pull_request as { types: string[] }).types).toEqual(["opened", "synchronize", "reopened"]);
  });
});

describe("the plan review job", () => {
  it("runs after synth and the plans whatever their result, unless the run was cancelled, for pull requests from this repository", () => {
    expect([review.needs, review.if]).toEqual([["synth", "plan"], "${{ !cancelled() && github.event.pull_request.head.repo.full_name == github.repository }}"]);
  });

  it("replaces the comment with 'the plan could not be produced' when synth failed", () => {
    const { status, comment } = summariseWith({ SYNTH_OK: "false", PLANS_OK: "false" });
    expect([status, comment]).toEqual([0, expect.stringMatching(/^<!-- plan-review -->\n> \[!CAUTION\]\n> The plan could not be produced for abc123: synth or its policy check failed/)]);
  });

  it("says a plan failed when synth passed but a plan did not", () => {
    expect(summariseWith({ SYNTH_OK: "true", PLANS_OK: "false" }).comment).toMatch(/> At least one environment's plan failed/);
  });

  it("reads the labels through the API as they are now, not from the event", () => {
    expect([summariseWith({ SYNTH_OK: "true", PLANS_OK: "true" }).ghCalls, JSON.stringify(summarise.env)]).toEqual([
      'api repos/o/r/pulls/12 --jq any(.labels[]; .name == "allow-destroy")\n',
      expect.not.stringContaining("github.event.pull_request.labels"),
    ]);
  });
});

describe("reading the allow-destroy label", () => {
  it("passes --allow-destroy on to plan-review when the label is there", () => {
    expect(summarise.run).toMatch(/if \[ "\$ALLOW_DESTROY" = "true" \]; then args\+=\(--allow-destroy\); fi/);
  });

  it("still writes the comment when the labels cannot be read", () => {
    const result = summariseWith({ SYNTH_OK: "false", PLANS_OK: "false", GH_FAILS: "1" });
    expect([result.status, result.comment]).toEqual([0, expect.stringContaining("The plan could not be produced")]);
  });
});

describe("posting the comment", () => {
  interface Comment {
    readonly id: number;
    readonly user: { readonly login: string; readonly type: string };
    readonly body: string;
    readonly html_url: string;
  }

  /** Runs the github-script with `comments` on the pull request; returns what it updated or created. */
  async function postWith(comments: readonly Comment[]): Promise<{ updated: number[]; created: number }> {
    const dir = tempDir("plan-comment-post-");
    writeFileSync(path.join(dir, "comment.md"), "<!-- plan-review -->\nnew plan\n");
    const updated: number[] = [];
    let created = 0;
    const listComments = Symbol("listComments");
    const github = {
      paginate: async (method: symbol) => (method === listComments ? comments : []),
      rest: {
        issues: {
          listComments,
          updateComment: async ({ comment_id }: { comment_id: number }) => void updated.push(comment_id),
          createComment: async () => {
            created += 1;
            return { data: { html_url: "https://github.com/o/r/pull/12#new" } };
          },
        },
      },
    };
    const context = { repo: { owner: "o", repo: "r" }, payload: { pull_request: { number: 12 } } };
    const core = { info: () => {} };
    const fsInDir = { readFileSync: (file: string, encoding: BufferEncoding) => readFileSync(path.join(dir, file), encoding) };
    const requireStub = (name: string) => (name === "node:fs" ? fsInDir : undefined);
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
    await new AsyncFunction("require", "github", "context", "core", String(post.with?.script))(requireStub, github, context, core);
    return { updated, created };
  }

  const comment = (id: number, login: string, body: string): Comment => ({ id, user: { login, type: login.endsWith("[bot]") ? "Bot" : "User" }, body, html_url: `#${id}` });

  it("updates the comment github-actions[bot] posted, not another bot's with the same marker", async () => {
    const result = await postWith([comment(1, "other-app[bot]", "<!-- plan-review -->\nold"), comment(2, "github-actions[bot]", "<!-- plan-review -->\nold")]);
    expect(result).toEqual({ updated: [2], created: 0 });
  });

  it("creates a comment when only another bot's carries the marker", async () => {
    expect(await postWith([comment(1, "other-app[bot]", "<!-- plan-review -->\nold")])).toEqual({ updated: [], created: 1 });
  });
});
