import { Testing } from "cdktf";
import { findEnvironment, loadEnvironments } from "../../environments";
import { DnsStack } from "../../stacks/dns-stack";
import { onlyResource, resourcesOfType, type StackJson } from "../support/synth";
import { tempDir } from "../support/temp-dir";

const environments = loadEnvironments();
const synthDns = (name: string) => JSON.parse(Testing.synth(new DnsStack(Testing.app({ outdir: tempDir("cdktf-test-"), stackTraces: false }), findEnvironment(name, environments)))) as StackJson;

describe("DnsStack with dns.createHostedZone and a delegation (dev)", () => {
  const json = synthDns("dev");
  const zoneId = Object.keys(json.resource.aws_route53_zone)[0];
  const parentProvider = (json.provider.aws as StackJson[]).find((p) => p.alias === "parent_zone");

  it("creates the environment's public hosted zone", () => {
    expect(onlyResource(json, "aws_route53_zone")).toMatchObject({ name: "dev.example.com", force_destroy: false });
  });

  it("writes the zone's name servers into the parent zone as an NS record", () => {
    expect(onlyResource(json, "aws_route53_record")).toMatchObject({
      zone_id: "Z0EXAMPLEPARENTZONE",
      name: "dev.example.com",
      type: "NS",
      records: `\${aws_route53_zone.${zoneId}.name_servers}`,
    });
  });

  it("writes the NS record through the parent zone's provider", () => {
    expect(onlyResource(json, "aws_route53_record").provider).toBe("aws.parent_zone");
  });

  it("assumes the delegation role named in the config, with a session name that names the environment", () => {
    expect(parentProvider?.assume_role).toEqual([
      { role_arn: "arn:aws:iam::333333333333:role/acme-web-dns-delegation", session_name: "acme-web-dev-dns-delegation" },
    ]);
  });

  it("pins the parent zone's provider to the role's account", () => {
    expect(parentProvider?.allowed_account_ids).toEqual(["333333333333"]);
  });

  it("creates everything else with the environment's own account", () => {
    const own = (json.provider.aws as StackJson[]).find((p) => p.alias === undefined);
    expect(own?.allowed_account_ids).toEqual(["111111111111"]);
  });

  it("holds no certificate (the distribution stack keeps it beside CloudFront)", () => {
    expect(resourcesOfType(json, "aws_acm_certificate")).toEqual([]);
  });
});

describe("DnsStack with an existing zone (prod)", () => {
  const json = synthDns("prod");

  it("looks up the public hosted zone by name", () => {
    expect(json.data.aws_route53_zone.HostedZone).toMatchObject({ name: "example.com", private_zone: false });
  });

  it("creates no zone and no delegation record", () => {
    expect([resourcesOfType(json, "aws_route53_zone").length, resourcesOfType(json, "aws_route53_record").length]).toEqual([0, 0]);
  });

  it("configures no provider for a parent zone", () => {
    expect((json.provider.aws as StackJson[]).map((p) => p.alias)).toEqual([undefined]);
  });
});
