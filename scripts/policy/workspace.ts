/**
 * Every synthesized stack under one or more synthesis directories, and the resolution of
 * references across them: cdktf passes values between stacks through
 * `data.terraform_remote_state.<producer>.outputs.<name>`, which this follows back to the
 * producing stack's output and on to the resource it names.
 */
import fs from "node:fs";
import path from "node:path";
import { UserError } from "../../lib/errors";
import { referencesIn, type Reference } from "./expressions";
import { asBlock, SynthesizedStack, type TfResource } from "./model";
import { checkStack, manifestStacks, readJsonFile } from "./stack-file";

export type Resolution =
  | {
      readonly kind: "target";
      /** The stack holding the referenced resource. */
      readonly stack: SynthesizedStack;
      readonly reference: Reference;
      /** Undefined when the address names nothing in that stack. */
      readonly resource?: TfResource;
    }
  | { readonly kind: "unresolved"; readonly stack: SynthesizedStack; readonly reference: Reference; readonly reason: string };

export class Workspace {
  private readonly byId: ReadonlyMap<string, SynthesizedStack>;

  constructor(readonly stacks: readonly SynthesizedStack[]) {
    this.byId = new Map(stacks.map((s) => [s.id, s]));
  }

  stack(id: string): SynthesizedStack | undefined {
    return this.byId.get(id);
  }

  /**
   * What the references in a value finally point at, following remote-state outputs into
   * the producing stacks (recursively; a cycle ends the walk).
   */
  resolve(stack: SynthesizedStack, value: unknown, seen: ReadonlySet<string> = new Set()): Resolution[] {
    const results: Resolution[] = [];
    for (const reference of referencesIn(value)) {
      if (reference.mode !== "data" || reference.type !== "terraform_remote_state") {
        results.push({ kind: "target", stack, reference, resource: stack.find(reference.address) });
        continue;
      }
      const outputName = /^outputs\.([\w-]+)/.exec(reference.attribute)?.[1];
      const producer = this.producerOf(stack, reference.address);
      const unresolved = (reason: string) => results.push({ kind: "unresolved", stack, reference, reason });
      if (outputName === undefined) {
        unresolved(`${reference.address}.${reference.attribute} names no output`);
      } else if (!producer) {
        unresolved(`${reference.address} reads the state of a stack that is not in the scanned directories`);
      } else {
        const output = producer.output(outputName);
        const key = `${producer.id}\u0000${outputName}`;
        if (!output) unresolved(`stack ${producer.id} has no output ${outputName}`);
        else if (!seen.has(key)) results.push(...this.resolve(producer, output.value, new Set([...seen, key])));
      }
    }
    return results;
  }

  /** Resources (in any stack) that a value's references finally point at. */
  targets(stack: SynthesizedStack, value: unknown): { stack: SynthesizedStack; resource: TfResource; attribute: string }[] {
    return this.resolve(stack, value).flatMap((r) =>
      r.kind === "target" && r.resource ? [{ stack: r.stack, resource: r.resource, attribute: r.reference.attribute }] : [],
    );
  }

  /** The stack whose state a `terraform_remote_state` data source reads. */
  private producerOf(consumer: SynthesizedStack, address: string): SynthesizedStack | undefined {
    const remote = consumer.find(address);
    if (!remote) return undefined;
    const backend = remote.config.backend;
    const config = asBlock(remote.config.config) ?? {};
    const byBackend = this.stacks.find((candidate) => {
      if (!candidate.backend || candidate.backend.type !== backend) return false;
      const own = candidate.backend.config;
      if (backend === "s3") return own.bucket === config.bucket && own.key === config.key;
      if (backend === "local") return own.path !== undefined && own.path === config.path;
      return false;
    });
    // cdktf names the data source after the producing stack: cross-stack-reference-input-<id>.
    return byBackend ?? this.byId.get(remote.name.replace(/^cross-stack-reference-input-/, ""));
  }
}

/**
 * Reads every stack listed in `<dir>/manifest.json` of each directory. A directory without a
 * manifest, a manifest that lists no stack, a stack file that is not Terraform JSON
 * configuration policy can read (stack-file.ts) or a stack id found in two directories is a
 * UserError.
 */
export function loadWorkspace(dirs: readonly string[]): Workspace {
  const stacks: SynthesizedStack[] = [];
  const origin = new Map<string, string>();
  for (const dir of dirs) {
    for (const stack of loadSynthDir(dir)) {
      const other = origin.get(stack.id);
      if (other !== undefined) {
        throw new UserError(`stack ${stack.id} appears in both ${other} and ${dir}; pass each synthesis directory once`);
      }
      origin.set(stack.id, dir);
      stacks.push(stack);
    }
  }
  return new Workspace(stacks);
}

function loadSynthDir(dir: string): SynthesizedStack[] {
  const manifestPath = path.join(dir, "manifest.json");
  if (!fs.existsSync(manifestPath)) {
    throw new UserError(
      `${dir}: no manifest.json (looked for ${path.resolve(manifestPath)}); run \`npm run synth\` first, or pass --dir <synthesis directory>`,
    );
  }
  return manifestStacks(readJsonFile(manifestPath), manifestPath).map(({ id, file }) => {
    const json = readJsonFile(file);
    checkStack(file, json);
    return new SynthesizedStack(id, file, dir, json);
  });
}
