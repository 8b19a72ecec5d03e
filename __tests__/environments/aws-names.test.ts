/**
 * The name rules for resources whose names lib/naming.ts makes: each refuses a name that is
 * too long and one with a character AWS refuses. (The schema's own limits keep shipped
 * names within them; __tests__/stacks/physical-names.test.ts checks the synthesized names.)
 */
import {
  dnsNameProblems,
  dynamoAttributeNameProblems,
  dynamoTableNameProblems,
  NAME_RULES,
  nameRuleProblems,
  s3BucketNameProblems,
  tagKeyProblems,
  tagValueProblems,
} from "../../environments/rules/aws-names";

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

describe("S3 bucket names", () => {
  it.each([3, 63])("accepts a name of %s characters", (length) => {
    expect(s3BucketNameProblems("a".repeat(length))).toEqual([]);
  });

  it("refuses a name ending in a hyphen", () => {
    expect(s3BucketNameProblems("acme-")).toEqual(["must begin and end with a letter or digit"]);
  });

  it.each(["a1.2.3.4", "1.2.3.4a"])("takes %s, which only contains an IP address, for a dotted name, not an IP address", (name) => {
    expect(s3BucketNameProblems(name)).toEqual(["must not contain dots (virtual-hosted-style HTTPS, the SDK's and Terraform's default, cannot reach it)"]);
  });
});

describe("DynamoDB names", () => {
  it.each([3, 255])("accepts a table name of %s characters", (length) => {
    expect(dynamoTableNameProblems("t".repeat(length))).toEqual([]);
  });

  it("refuses a table name of 256 characters", () => {
    expect(dynamoTableNameProblems("t".repeat(256))).toEqual(["must be 3 to 255 characters long (is 256)"]);
  });

  it("refuses an empty attribute name", () => {
    expect(dynamoAttributeNameProblems("")).toEqual(["must be 1 to 255 bytes of UTF-8 (is 0)"]);
  });

  it.each([1, 255])("accepts an attribute name of %s bytes", (length) => {
    expect(dynamoAttributeNameProblems("a".repeat(length))).toEqual([]);
  });
});

describe("tags", () => {
  it("refuses an empty key", () => {
    expect(tagKeyProblems("")).toEqual(["must be 1 to 128 characters long (is 0)"]);
  });

  it("accepts a key of one character", () => {
    expect(tagKeyProblems("k")).toEqual([]);
  });

  it("accepts a key of 128 characters", () => {
    expect(tagKeyProblems("k".repeat(128))).toEqual([]);
  });

  it("accepts a key with aws: after its start", () => {
    expect(tagKeyProblems("team:aws:x")).toEqual([]);
  });

  it("accepts a value of 256 characters", () => {
    expect(tagValueProblems("v".repeat(256))).toEqual([]);
  });

  it("refuses a value of 257 characters", () => {
    expect(tagValueProblems("v".repeat(257))).toEqual(["must be at most 256 characters long (is 257)"]);
  });

  it("refuses a value with a character AWS refuses", () => {
    expect(tagValueProblems("a#b")).toEqual(["may only contain letters, digits, spaces and _ . : / = + - @"]);
  });

  it("accepts a value with aws: after its start", () => {
    expect(tagValueProblems("x aws:y")).toEqual([]);
  });
});

describe("DNS names", () => {
  it("accepts a name of 253 characters", () => {
    const name = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join(".");
    expect(dnsNameProblems(name)).toEqual([]);
  });

  it("accepts a label of one character", () => {
    expect(dnsNameProblems("a.example.com")).toEqual([]);
  });

  it("accepts a wildcard first label where wildcards are allowed", () => {
    expect(dnsNameProblems("*.example.com", { wildcard: true })).toEqual([]);
  });

  it("refuses a wildcard that is not the first label", () => {
    expect(dnsNameProblems("a.*.example.com", { wildcard: true })).toEqual([
      'label "*" must be 1 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen',
    ]);
  });

  it.each(["example.a1", "example.1a"])("accepts %s, whose last label is not all digits", (name) => {
    expect(dnsNameProblems(name)).toEqual([]);
  });
});
