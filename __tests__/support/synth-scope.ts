/**
 * cdktf's `Testing.synthScope`, in a stack whose app writes into a folder tempDir removes
 * (the original makes a temp folder per call and leaves it behind).
 */
import { Testing, TerraformStack } from "cdktf";
import { tempDir } from "./temp-dir";

export function synthScope(build: (scope: TerraformStack) => void): string {
  const stack = new TerraformStack(Testing.app({ outdir: tempDir("cdktf-test-") }), "stack");
  build(stack);
  return Testing.synth(stack);
}
