/**
 * Captures what the code under test writes to process.stdout and process.stderr, from
 * before each test to after it: `const output = captureOutput();` at the top of a describe.
 */
export interface CapturedOutput {
  readonly stdout: string;
  readonly stderr: string;
}

export function captureOutput(): CapturedOutput {
  const text = { stdout: "", stderr: "" };
  let spies: jest.SpyInstance[] = [];
  beforeEach(() => {
    text.stdout = "";
    text.stderr = "";
    spies = (["stdout", "stderr"] as const).map((stream) =>
      jest.spyOn(process[stream], "write").mockImplementation((chunk: string | Uint8Array) => {
        text[stream] += chunk.toString();
        return true;
      }),
    );
  });
  afterEach(() => spies.forEach((spy) => spy.mockRestore()));
  return text;
}
