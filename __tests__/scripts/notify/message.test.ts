import { readCiContext } from "../../../scripts/notify/ci-context";
import { buildSlackMessage, type NoticeContext } from "../../../scripts/notify/message";

const ci = readCiContext({
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_REPOSITORY: "acme/web",
  GITHUB_RUN_ID: "42",
  GITHUB_SHA: "0123456789abcdef",
  GITHUB_ACTOR: "octocat",
  GITHUB_WORKFLOW: "deploy",
  GITHUB_JOB: "deploy-prod",
});
const failure: NoticeContext = { status: "failure", environment: "prod", project: "acme-web", step: "cdktf deploy", ci };

type Block = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const blocks = (notice: NoticeContext) => buildSlackMessage(notice).blocks as Block[];
const fields = (notice: NoticeContext) =>
  Object.fromEntries(
    (blocks(notice).find((b) => b.fields)?.fields as Block[]).map((f) => {
      const [label, value] = (f.text as string).split("\n");
      return [label.replace(/\*/g, ""), value];
    }),
  );

describe("buildSlackMessage", () => {
  it("heads the message with project, environment and outcome", () => {
    expect(blocks(failure)[0].text.text).toBe(":x: acme-web prod: deployment failed");
  });

  it("uses a given headline in place of the status's wording", () => {
    expect(blocks({ ...failure, environment: "dev", headline: "checks failed" })[0].text.text).toBe(":x: acme-web dev: checks failed");
  });

  it("names environment, status, commit, author, workflow and failed step", () => {
    expect(fields(failure)).toEqual({
      Environment: "prod",
      Status: "failure",
      Commit: "<https://github.com/acme/web/commit/0123456789abcdef|0123456>",
      Author: "octocat",
      Workflow: "deploy / deploy-prod",
      "Failed step": "cdktf deploy",
    });
  });

  it("links directly to the CI run", () => {
    const button = blocks(failure).find((b) => b.type === "actions")?.elements[0];
    expect(button).toMatchObject({ type: "button", url: "https://github.com/acme/web/actions/runs/42" });
  });

  it("puts the run link in the notification fallback text too", () => {
    expect(buildSlackMessage(failure).text).toContain("https://github.com/acme/web/actions/runs/42");
  });

  it("calls the step just a step when the deployment succeeded", () => {
    expect(fields({ ...failure, status: "success" }).Step).toBe("cdktf deploy");
  });

  it("says a rollback happened", () => {
    expect(blocks({ ...failure, status: "rollback" })[0].text.text).toBe(":rewind: acme-web prod: rolled back");
  });

  it("leaves out what the CI did not provide", () => {
    expect(Object.keys(fields({ status: "success", environment: "dev", ci: {} }))).toEqual(["Environment", "Status"]);
  });

  it("has no run button outside CI", () => {
    expect(blocks({ status: "success", environment: "dev", ci: {} }).some((b) => b.type === "actions")).toBe(false);
  });

  it("escapes Slack control characters in the free-text message", () => {
    const section = blocks({ ...failure, message: "Error: <script> & co" }).find((b) => b.text?.type === "mrkdwn");
    expect(section?.text.text).toBe("Error: &lt;script&gt; &amp; co");
  });

  it("keeps a long message within Slack's section limit", () => {
    const section = blocks({ ...failure, message: "x".repeat(5000) }).find((b) => b.text?.type === "mrkdwn");
    expect(section?.text.text.length).toBe(3000);
  });
});
