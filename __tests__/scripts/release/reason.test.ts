/**
 * Free text in the ledger: what `rollback --reason` may hold, and how text read back from the
 * ledger or AWS is printed. Credential-shaped values are assembled from parts so that no
 * literal in the repository looks like one.
 */
import { checkReason, MAX_REASON_LENGTH, printable, terminalSafeJson } from "../../../scripts/release/reason";

const FAKE = {
  accessKeyId: ["AKIA", "IOSFODNN7EXAMPLE"].join(""),
  secretAccessKey: ["wJalrXUtnFEMI", "K7MDENG", "bPxRfiCYEXAMPLEKEY"].join("/"),
  slackWebhook: ["https://hooks.slack.com", "services", "T000", "B000", "XXXXXXXXXXXX"].join("/"),
  githubToken: ["ghp", "_", "a".repeat(20), "B".repeat(16)].join(""),
};

describe("checkReason", () => {
  it("accepts one line of text with a link and a commit id (the deploy workflow's automatic reason)", () => {
    const reason = `automatic: e2e did not pass after releasing ${"0123456789abcdef".repeat(2)}01234567 (run https://github.com/Acme/WebApp/actions/runs/12345678901)`;
    expect(checkReason(reason)).toEqual({ ok: true, value: reason });
  });

  it(`refuses a reason longer than ${MAX_REASON_LENGTH} characters, saying the limit`, () => {
    expect(checkReason("x".repeat(20_000))).toEqual({ ok: false, problem: expect.stringMatching(/is 20000 characters long; at most 500/) });
  });

  it("refuses ANSI escape sequences and carriage returns, naming them", () => {
    expect(checkReason("fine\r\u001b[2Kall good")).toEqual({ ok: false, problem: expect.stringContaining("control characters (U+000D, U+001B)") });
  });

  it("refuses a bidirectional override that reorders what is shown", () => {
    expect(checkReason("rollback \u202eesaeler")).toMatchObject({ ok: false, problem: expect.stringContaining("U+202E") });
  });

  it("refuses a newline: a reason is one line", () => {
    expect(checkReason("first\nsecond")).toMatchObject({ ok: false });
  });

  it.each([
    ["an AWS access key id", FAKE.accessKeyId],
    ["an AWS secret access key", FAKE.secretAccessKey],
    ["a Slack webhook URL", FAKE.slackWebhook],
    ["a GitHub token", FAKE.githubToken],
  ])("refuses %s, saying why", (what, secret) => {
    expect(checkReason(`oops, pasted ${secret} by mistake`)).toEqual({
      ok: false,
      problem: expect.stringMatching(new RegExp(`looks like it holds ${what}: the ledger is an audit trail that many people read`)),
    });
  });

  it("does not take a 40-character git commit id for a secret key", () => {
    expect(checkReason(`bad deploy ${"a1b2c3d4e5".repeat(4)}`).ok).toBe(true);
  });
});

describe("printable", () => {
  it("shows escape sequences and carriage returns as escapes instead of obeying them", () => {
    expect(printable("red \u001b[31mtext\r")).toBe("red \\x1b[31mtext\\x0d");
  });

  it("leaves nothing of a webhook URL", () => {
    expect(printable(`see ${FAKE.slackWebhook} now`)).toBe("see [redacted: a Slack webhook URL] now");
  });

  it("redacts an AWS secret access key but leaves a URL's path alone", () => {
    const url = "https://github.com/Acme/WebApp/actions/runs/1234567890123";
    expect(printable(`${FAKE.secretAccessKey} ${url}`)).toBe(`[redacted: an AWS secret access key] ${url}`);
  });

  it("cuts text to the length asked for", () => {
    expect(printable("x".repeat(20_000), { maxLength: 10 })).toBe(`${"x".repeat(9)}…`);
  });

  it("keeps newlines only when asked to", () => {
    expect([printable("a\nb"), printable("a\nb", { keepNewlines: true })]).toEqual(["a\\x0ab", "a\nb"]);
  });
});

describe("terminalSafeJson", () => {
  it("escapes the control characters JSON.stringify leaves raw, and parses back to the same text", () => {
    const text = "csi \u009b31m del \u007f rlo \u202e";
    const json = terminalSafeJson({ text });
    expect([/[\u007f-\u009f\u202e]/.test(json), JSON.parse(json)]).toEqual([false, { text }]);
  });

  it("redacts secrets in every string", () => {
    expect(JSON.parse(terminalSafeJson({ records: [{ reason: `key ${FAKE.accessKeyId}` }] }))).toEqual({
      records: [{ reason: "key [redacted: an AWS access key id]" }],
    });
  });
});
