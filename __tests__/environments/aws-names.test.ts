/**
 * The name rules for resources whose names lib/naming.ts makes: each refuses a name that is
 * too long and one with a character AWS refuses. (The schema's own limits keep shipped
 * names within them; __tests__/stacks/physical-names.test.ts checks the synthesized names.)
 */
import { NAME_RULES, nameRuleProblems } from "../../environments/rules/aws-names";

const rules = Object.entries(NAME_RULES);

describe("name rules", () => {
  it.each(rules)("%s: refuses a name one character over the limit", (_key, rule) => {
    const name = `${rule.what.startsWith("KMS") ? "alias/" : ""}a`.padEnd(rule.maxLength + 1, "a");
    expect(nameRuleProblems(rule, name)).toEqual([expect.stringContaining(`${rule.maxLength + 1} characters long; ${rule.source} allows ${rule.maxLength}`)]);
  });

  it.each(rules)("%s: accepts a name at the limit", (_key, rule) => {
    const name = `${rule.what.startsWith("KMS") ? "alias/" : ""}a`.padEnd(rule.maxLength, "a");
    expect(nameRuleProblems(rule, name)).toEqual([]);
  });

  it.each(rules.filter(([, rule]) => rule.allowed !== "any characters"))("%s: refuses a character outside what AWS allows", (_key, rule) => {
    const name = rule.what.startsWith("KMS") ? "alias/a b" : "a b\u0007";
    expect(nameRuleProblems(rule, name)).toEqual([expect.stringContaining(`allows only ${rule.allowed}`)]);
  });

  it("refuses a KMS alias in the alias/aws/ namespace AWS keeps for itself", () => {
    expect(nameRuleProblems(NAME_RULES.kmsAlias, "alias/aws/topic")).toEqual([expect.stringContaining("allows only")]);
  });
});
