import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readCiContext } from "../../../scripts/notify/ci-context";
import { tempDir } from "../../support/temp-dir";

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

  describe("the author", () => {
    const EVENT = "/github/workflow/event.json";
    const withEvent = (payload: unknown) =>
      readCiContext({ ...actions, GITHUB_EVENT_PATH: EVENT }, (path) => {
        if (path !== EVENT) throw new Error(`unexpected read of ${path}`);
        return JSON.stringify(payload);
      });

    it("is the pushed head commit's author (GitHub username), not who triggered the run", () => {
      expect(withEvent({ head_commit: { author: { name: "Mona Lisa", username: "monalisa" } } }).actor).toBe("monalisa");
    });

    it("is the head commit author's name when the commit has no GitHub username", () => {
      expect(withEvent({ head_commit: { author: { name: "Mona Lisa", email: "mona@example.com" } } }).actor).toBe("Mona Lisa");
    });

    it("is the pull request's author on a pull_request event", () => {
      expect(withEvent({ pull_request: { user: { login: "contributor" } } }).actor).toBe("contributor");
    });

    it("falls back to GITHUB_ACTOR when the event names no commit author (manual or scheduled run)", () => {
      expect(withEvent({ inputs: { unpin: true } }).actor).toBe("octocat");
    });

    it("falls back to GITHUB_ACTOR when the event file cannot be read", () => {
      const context = readCiContext({ ...actions, GITHUB_EVENT_PATH: EVENT }, () => {
        throw new Error("ENOENT");
      });
      expect(context.actor).toBe("octocat");
    });

    it("falls back to GITHUB_ACTOR when the event file is not JSON", () => {
      expect(readCiContext({ ...actions, GITHUB_EVENT_PATH: EVENT }, () => "{not json").actor).toBe("octocat");
    });

    it("keeps who triggered the run apart", () => {
      expect(withEvent({ head_commit: { author: { username: "monalisa" } } }).triggeredBy).toBe("octocat");
    });

    it("reads the event file GITHUB_EVENT_PATH names from disk by default", () => {
      const dir = tempDir("ci-context-");
      try {
        const file = path.join(dir, "event.json");
        writeFileSync(file, JSON.stringify({ head_commit: { author: { username: "from-disk" } } }));
        expect(readCiContext({ ...actions, GITHUB_EVENT_PATH: file }).actor).toBe("from-disk");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it("does not double the slash of a server URL that ends with one", () => {
    expect(readCiContext({ ...actions, GITHUB_SERVER_URL: "https://ghe.example.com/" }).runUrl).toBe(
      "https://ghe.example.com/acme/web/actions/runs/987654321",
    );
  });
});
