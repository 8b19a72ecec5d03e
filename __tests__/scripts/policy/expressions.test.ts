/**
 * Reading Terraform expressions and ARNs in synthesized JSON (scripts/policy/expressions.ts,
 * scripts/policy/arn.ts): the rules decide from what these return, so each reading is pinned
 * here on plain strings, without synthesizing a stack.
 */
import { globMatches, hasWildcard, parseArn, startsWithWildcard } from "../../../scripts/policy/arn";
import { isExpression, leadingReferences, literalString, maskInterpolations, referencesIn, stringsIn } from "../../../scripts/policy/expressions";

describe("referencesIn", () => {
  it("reads a managed resource's type, name, attribute and address", () => {
    expect(referencesIn("${aws_s3_bucket.Assets.arn}")).toEqual([
      { mode: "managed", type: "aws_s3_bucket", name: "Assets", attribute: "arn", address: "aws_s3_bucket.Assets" },
    ]);
  });

  it("reads a data source as mode data, with data. in its address", () => {
    expect(referencesIn("${data.aws_iam_policy_document.Doc.json}")).toEqual([
      { mode: "data", type: "aws_iam_policy_document", name: "Doc", attribute: "json", address: "data.aws_iam_policy_document.Doc" },
    ]);
  });

  it("keeps a nested attribute path, index included", () => {
    expect(referencesIn("${aws_x_y.Name.a.b[0].c}").map((r) => r.attribute)).toEqual(["a.b[0].c"]);
  });

  it("gives an empty attribute to a reference of the resource itself", () => {
    expect(referencesIn("${aws_x_y.Name}").map((r) => r.attribute)).toEqual([""]);
  });

  it("reads names and attributes with hyphens", () => {
    expect(referencesIn("${data.terraform_remote_state.cross-stack.outputs.cross-stack-output-x}").map((r) => [r.name, r.attribute])).toEqual([
      ["cross-stack", "outputs.cross-stack-output-x"],
    ]);
  });

  it("finds references inside function calls, with the nested braces of the call", () => {
    expect(referencesIn('${element(split("/", aws_x_y.A.id), 2)} and ${{ k = aws_x_y.B.arn }}').map((r) => r.address)).toEqual(["aws_x_y.A", "aws_x_y.B"]);
  });

  it("finds every interpolation of a string, not only the first", () => {
    expect(referencesIn("${aws_x_y.A.arn}/${aws_x_y.B.name}").map((r) => r.address)).toEqual(["aws_x_y.A", "aws_x_y.B"]);
  });

  it("ignores text outside interpolations", () => {
    expect(referencesIn("aws_x_y.A.arn")).toEqual([]);
  });

  it("ignores an interpolation that never closes", () => {
    expect(referencesIn("${aws_x_y.A.arn")).toEqual([]);
  });

  it("ignores variables, locals and other names without a provider prefix", () => {
    expect(referencesIn("${var.region}${local.name}${terraform.workspace}")).toEqual([]);
  });

  it("ignores a name that is part of a longer dotted name", () => {
    expect(referencesIn("${module.x.aws_x_y.A}").map((r) => r.address)).toEqual([]);
  });

  it("searches strings inside lists and objects", () => {
    expect(referencesIn({ a: ["${aws_x_y.A.arn}"], b: { c: "${aws_x_y.B.arn}" } }).map((r) => r.address)).toEqual(["aws_x_y.A", "aws_x_y.B"]);
  });
});

describe("leadingReferences", () => {
  it("reads the references of the interpolation a string starts with", () => {
    expect(leadingReferences("${aws_s3_bucket.A.arn}/*").map((r) => r.address)).toEqual(["aws_s3_bucket.A"]);
  });

  it("reads only the first interpolation", () => {
    expect(leadingReferences("${aws_x_y.A.arn}/${aws_x_y.B.arn}").map((r) => r.address)).toEqual(["aws_x_y.A"]);
  });

  it("reads nothing from a string that starts with anything else", () => {
    expect(leadingReferences("arn:aws:s3:::${aws_x_y.A.bucket}")).toEqual([]);
  });

  it("reads nothing from an interpolation that never closes", () => {
    expect(leadingReferences("${aws_x_y.A.arn")).toEqual([]);
  });
});

describe("stringsIn", () => {
  it("reads a string as itself", () => {
    expect(stringsIn("a")).toEqual(["a"]);
  });

  it("reads every string of nested lists and objects, in order", () => {
    expect(stringsIn({ a: ["x", { b: "y" }], c: "z" })).toEqual(["x", "y", "z"]);
  });

  it("reads nothing from numbers, booleans and null", () => {
    expect(stringsIn([1, true, null, undefined])).toEqual([]);
  });
});

describe("maskInterpolations", () => {
  it("replaces each interpolation with the placeholder and keeps the text between", () => {
    expect(maskInterpolations("arn:${a.b}:s3:::${c.d}/*", "#")).toBe("arn:#:s3:::#/*");
  });

  it("replaces an interpolation with nested braces whole", () => {
    expect(maskInterpolations("x${f({ a = 1 })}y", "#")).toBe("x#y");
  });

  it("leaves a string without interpolations as it is", () => {
    expect(maskInterpolations("arn:aws:s3:::bucket", "#")).toBe("arn:aws:s3:::bucket");
  });

  it("masks the right one of two identical interpolations", () => {
    expect(maskInterpolations("${a.b}-${a.b}", "#")).toBe("#-#");
  });
});

describe("isExpression and literalString", () => {
  it("calls a string with an interpolation an expression", () => {
    expect(isExpression("a${b.c}")).toBe(true);
  });

  it("calls a plain string no expression", () => {
    expect(isExpression("a$b{c}")).toBe(false);
  });

  it("calls a non-string no expression", () => {
    expect(isExpression(["${a.b}"])).toBe(false);
  });

  it("returns a plain string as its literal value", () => {
    expect(literalString("plain")).toBe("plain");
  });

  it("has no literal value for a string with an interpolation", () => {
    expect(literalString("x${a.b}")).toBeUndefined();
  });

  it("has no literal value for a non-string", () => {
    expect(literalString(3)).toBeUndefined();
  });
});

describe("parseArn", () => {
  it("reads partition, service, region, account and resource", () => {
    expect(parseArn("arn:aws:lambda:eu-west-1:111111111111:function:f")).toEqual({
      partition: "aws",
      service: "lambda",
      region: "eu-west-1",
      account: "111111111111",
      resource: "function:f",
    });
  });

  it("reads an ARN with exactly six parts", () => {
    expect(parseArn("arn:aws:s3:::bucket")?.resource).toBe("bucket");
  });

  it("reads an interpolated part as the placeholder, not as separators", () => {
    expect(parseArn("arn:${data.aws_partition.p.partition}:s3:::${aws_s3_bucket.A.bucket}/*")).toEqual({
      partition: "<ref>",
      service: "s3",
      region: "",
      account: "",
      resource: "<ref>/*",
    });
  });

  it("refuses text with fewer than six parts", () => {
    expect(parseArn("arn:aws:s3::bucket")).toBeUndefined();
  });

  it("refuses text that does not start with arn", () => {
    expect(parseArn("urn:aws:s3:::bucket")).toBeUndefined();
  });
});

describe("wildcards in ARNs", () => {
  it("sees a leading *", () => {
    expect(startsWithWildcard("*")).toBe(true);
  });

  it("sees a leading ?", () => {
    expect(startsWithWildcard("?rn:aws:s3:::b")).toBe(true);
  });

  it("does not call an interpolation at the start a wildcard", () => {
    expect(startsWithWildcard("${aws_x_y.A.arn}*")).toBe(false);
  });

  it("does not call a wildcard later in the text a leading one", () => {
    expect(startsWithWildcard("arn:aws:s3:::b/*")).toBe(false);
  });

  it("sees a wildcard anywhere", () => {
    expect(hasWildcard("arn:aws:s3:::b/k?y")).toBe(true);
  });

  it("sees no wildcard in text without * or ?", () => {
    expect(hasWildcard("arn:aws:s3:::b/key")).toBe(false);
  });

  it("does not count a * inside an interpolation", () => {
    expect(hasWildcard('${replace(aws_x_y.A.arn, "*", "")}')).toBe(false);
  });
});

describe("globMatches", () => {
  it("matches * against any run of characters", () => {
    expect(globMatches("Get*", "GetObjectAcl")).toBe(true);
  });

  it("matches ? against exactly one character", () => {
    expect(globMatches("Get?", "GetX")).toBe(true);
  });

  it("does not match ? against two characters", () => {
    expect(globMatches("Get?", "GetXY")).toBe(false);
  });

  it("matches case-insensitively, as IAM does", () => {
    expect(globMatches("getobject", "GetObject")).toBe(true);
  });

  it("matches the whole value, not a part of it", () => {
    expect(globMatches("Object", "GetObject")).toBe(false);
  });

  it("matches the whole pattern, not a prefix of it", () => {
    expect(globMatches("GetObject", "GetObjectAcl")).toBe(false);
  });

  it("takes a dot in the pattern literally", () => {
    expect(globMatches("a.b", "axb")).toBe(false);
  });

  it("takes regular-expression characters in the pattern literally", () => {
    expect(globMatches("a+(b)|[c]^$\\{d}", "a+(b)|[c]^$\\{d}")).toBe(true);
  });
});
