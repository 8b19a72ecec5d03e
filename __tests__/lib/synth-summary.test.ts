import path from "node:path";
import { synthSummaryLines } from "../../lib/synth-summary";

const ROOT = path.resolve("/work/project");
const STACKS = ["dev-app", "dev-distribution", "dev-dns", "prod-app", "prod-distribution", "prod-dns", "staging-app", "staging-distribution", "staging-dns"];

describe("the lines npm run synth ends with", () => {
  const [written, next] = synthSummaryLines({ stackIds: STACKS, outdir: path.join(ROOT, "cdktf.out"), seconds: 3.14 }, ROOT);

  it("say how many stacks of which environments went where, and how long it took", () => {
    expect(written).toBe("synth: 9 stacks (dev, staging, prod) written to cdktf.out/ in 3.1 s");
  });

  it("name the next command, with the output directory", () => {
    expect(next).toMatch(/^next: npm run policy to check them, then npm run plan-review -- --dir cdktf\.out --run /);
  });

  it("give an output directory outside the project as an absolute path", () => {
    expect(synthSummaryLines({ stackIds: ["dev-app"], outdir: "/tmp/out", seconds: 1 }, ROOT)[0]).toBe("synth: 1 stack (dev) written to /tmp/out/ in 1.0 s");
  });
});
