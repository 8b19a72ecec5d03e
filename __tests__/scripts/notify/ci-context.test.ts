import { readCiContext } from "../../../scripts/notify/ci-context";

const actions = {
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_REPOSITORY: "acme/web",
  GITHUB_RUN_ID: "987654321",
  GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
  GITHUB_ACTOR: "octocat",
  GITHUB_WORKFLOW: "deploy",
  GITHUB_JOB: "deploy-prod",
};

describe("readCiContext", () => {
  it("builds the run link from server, repository and run id", () => {
    expect(readCiContext(actions).runUrl).toBe("https://github.com/acme/web/actions/runs/987654321");
  });

  it("builds the commit link from server, repository and sha", () => {
    expect(readCiContext(actions).commitUrl).toBe("https://github.com/acme/web/commit/0123456789abcdef0123456789abcdef01234567");
  });

  it("reads actor, workflow and job", () => {
    expect(readCiContext(actions)).toMatchObject({ actor: "octocat", workflow: "deploy", job: "deploy-prod" });
  });

  it("has no run link when the run id is missing", () => {
    expect(readCiContext({ ...actions, GITHUB_RUN_ID: undefined }).runUrl).toBeUndefined();
  });

  it("treats blank variables as absent", () => {
    expect(readCiContext({ ...actions, GITHUB_ACTOR: "  " }).actor).toBeUndefined();
  });

  it("is empty outside GitHub Actions", () => {
    expect(Object.values(readCiContext({})).filter((v) => v !== undefined)).toEqual([]);
  });

  it("does not double the slash of a server URL that ends with one", () => {
    expect(readCiContext({ ...actions, GITHUB_SERVER_URL: "https://ghe.example.com/" }).runUrl).toBe(
      "https://ghe.example.com/acme/web/actions/runs/987654321",
    );
  });
});
