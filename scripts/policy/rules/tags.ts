/**
 * Tags: every taggable resource carries the standard tags. The stacks put them on the AWS
 * provider's default_tags (which Terraform merges into every taggable resource), so the
 * rule checks each AWS provider's default_tags for the standard keys with the expected
 * values, and that no resource overrides a standard key with an empty or different value.
 */
import { standardTags, STANDARD_TAG_KEYS } from "../../../lib/tags";
import { isExpression } from "../expressions";
import { asBlock } from "../model";
import { checked, notApplicable, show, type Finding, type Rule } from "../rule";

export const standardTagsPresent: Rule = {
  id: "TAG-1",
  severity: "error",
  title: `Every taggable resource carries the standard tags (${STANDARD_TAG_KEYS.join(", ")}) through provider default_tags`,
  controls: {},
  fix: "Configure every AWS provider with default_tags from lib/tags.ts standardTags() (EnvironmentStack does) and do not set standard tag keys on resources.",
  check: ({ stack, env }) => {
    const awsResources = stack.resources.filter((r) => r.type.startsWith("aws_"));
    if (awsResources.length === 0) return notApplicable("no AWS resources in this stack");
    const providers = stack.providers.filter((p) => p.name === "aws");
    // A stack of no environment is checked for the keys only; an environment's stack for their values too.
    const expected = env && { environment: env.name, tags: standardTags(env) as Record<string, string> };
    const findings: Finding[] = [];

    if (providers.length === 0) {
      findings.push({ resource: "provider.aws", message: "the stack has AWS resources but configures no aws provider, so nothing adds the standard tags" });
    }
    for (const provider of providers) {
      if (!provider.defaultTags) {
        findings.push({ resource: provider.address, message: `sets no default_tags, so resources carry none of ${STANDARD_TAG_KEYS.join(", ")}` });
        continue;
      }
      for (const key of STANDARD_TAG_KEYS) {
        const value = provider.defaultTags[key];
        if (typeof value !== "string" || value.trim() === "") {
          findings.push({ resource: provider.address, message: `default_tags has ${key} ${value === undefined ? "missing" : `= ${show(value)}`}` });
        } else if (expected && value !== expected.tags[key]) {
          findings.push({ resource: provider.address, message: `default_tags has ${key} = ${show(value)} (expected ${show(expected.tags[key])} for environment ${expected.environment})` });
        }
      }
    }
    for (const resource of awsResources) {
      const tags = asBlock(resource.config.tags) ?? {};
      const defaults = stack.providerOf(resource)?.defaultTags ?? {};
      for (const key of STANDARD_TAG_KEYS) {
        const value = tags[key];
        // A tag set to null is ignored, and the default applies (AWS provider 5.1.0 on:
        // hashicorp/terraform-provider-aws#31687, "ignore null config tags").
        if (value === undefined || value === null) continue;
        // Terraform turns a number or bool into its string for tags, a map of strings (5 is
        // "5": https://developer.hashicorp.com/terraform/language/functions/tostring), so 5
        // repeats a default "5". "" differs from every default (an empty default is flagged
        // above). An expression cannot be judged here.
        if (!isExpression(value) && String(value) !== defaults[key]) {
          findings.push({ resource: resource.address, message: `tags.${key} = ${show(value)} overrides the provider's default ${show(defaults[key])}` });
        }
      }
    }
    return checked(providers.length + awsResources.length, findings);
  },
};

export const TAG_RULES: readonly Rule[] = [standardTagsPresent];
