/** The pure checks: what each answer from AWS or the DNS turns into. */
import { findEnvironment, loadEnvironments } from "../../../environments";
import type { EnvironmentConfig } from "../../../environments/schema";
import {
  checkAccount,
  certificateCovers,
  checkCertificate,
  checkHostedZone,
  checkLambdaConcurrency,
  checkLambdaRuntime,
  checkLockTable,
  checkParentZoneRole,
  checkPublicDelegation,
  checkSlack,
  checkStateBucket,
  checkStateLock,
  exitCodeOf,
  type PlannedReservations,
} from "../../../scripts/doctor/checks";
import type { HostedZone, Observed } from "../../../scripts/doctor/ports";

const environments = loadEnvironments();
const dev = findEnvironment("dev", environments);
const prod = findEnvironment("prod", environments);
const found = <T>(value: T): Observed<T> => ({ kind: "found", value });
const zone: HostedZone = { id: "Z0DEV", nameServers: ["ns-1.awsdns-01.org", "ns-2.awsdns-02.com"] };

describe("account", () => {
  it("is ok when the credentials are for the configured account", () => {
    expect(checkAccount(dev, found({ account: "111111111111", arn: "arn:aws:sts::111111111111:assumed-role/deploy/x" })).status).toBe("ok");
  });

  it("fails naming both accounts when the credentials are for another", () => {
    expect(checkAccount(dev, found({ account: "222222222222", arn: "arn:aws:iam::222222222222:user/me" })).detail).toMatch(
      /^the credentials are for account 222222222222 .* but environments\/dev\.ts deploys into 111111111111; fix: /,
    );
  });

  it("fails when there are no credentials", () => {
    expect(checkAccount(dev, { kind: "denied", message: "no AWS credentials found" }).status).toBe("fail");
  });
});

describe("state bucket", () => {
  const good = { region: "eu-west-1", versioning: "Enabled", encryption: ["AES256"] };

  it("is ok when it exists in the state region, versioned and encrypted", () => {
    expect(checkStateBucket(dev, found(good)).status).toBe("ok");
  });

  it("fails when missing, naming the bucket and the bootstrap command", () => {
    expect(checkStateBucket(dev, { kind: "missing", message: "NotFound" }).detail).toBe(
      "state bucket acme-web-tfstate-111111111111 does not exist; fix: create it once per account with the bootstrap: npm run bootstrap:synth && (cd bootstrap && CHECKPOINT_DISABLE=1 npx cdktf deploy 'state-acme-web-tfstate-111111111111')",
    );
  });

  it("fails when versioning is off", () => {
    expect(checkStateBucket(dev, found({ ...good, versioning: undefined })).detail).toContain("versioning is off");
  });

  it("fails when it has no default encryption", () => {
    expect(checkStateBucket(dev, found({ ...good, encryption: [] })).detail).toContain("it has no default encryption");
  });

  it("fails when it lives in another region than state.region", () => {
    expect(checkStateBucket(dev, found({ ...good, region: "us-east-1" })).detail).toContain("it is in us-east-1, not in state.region eu-west-1");
  });

  it("fails when another account owns a bucket of that name", () => {
    expect(checkStateBucket(dev, { kind: "denied", message: "AccessDenied" }).detail).toMatch(/belongs to another account/);
  });
});

describe("lock table", () => {
  const lockId = { status: "ACTIVE", keys: [{ name: "LockID", type: "S", role: "HASH" }] };

  it("is skipped where none is configured", () => {
    expect(checkLockTable(dev, undefined).status).toBe("skip");
  });

  it("is ok with partition key LockID (S)", () => {
    expect(checkLockTable(prod, found(lockId)).status).toBe("ok");
  });

  it("fails when missing, naming the table and the bootstrap", () => {
    expect(checkLockTable(prod, { kind: "missing", message: "ResourceNotFoundException" }).detail).toMatch(
      /^lock table acme-web-tfstate-lock \(eu-west-1\) does not exist; fix: .*cdktf deploy 'state-acme-web-tfstate-333333333333'/,
    );
  });

  it("fails with another partition key, which Terraform cannot lock with", () => {
    expect(checkLockTable(prod, found({ status: "ACTIVE", keys: [{ name: "id", type: "S", role: "HASH" }] })).status).toBe("fail");
  });
});

describe("hosted zone", () => {
  it("is ok when exactly one public zone has the name", () => {
    expect(checkHostedZone(prod, found([zone])).status).toBe("ok");
  });

  it("fails for an existing zone that is not there", () => {
    expect(checkHostedZone(prod, found([])).detail).toMatch(/^public hosted zone example\.com does not exist in account 333333333333/);
  });

  it("is skipped for a zone the dns stack will create", () => {
    expect(checkHostedZone(dev, found([])).detail).toBe(
      "public hosted zone dev.example.com does not exist yet; the first deploy of dev-dns creates it (dns.createHostedZone)",
    );
  });

  it("fails when two public zones share the name", () => {
    expect(checkHostedZone(dev, found([zone, { ...zone, id: "Z0OTHER" }])).status).toBe("fail");
  });
});

describe("parent zone role", () => {
  it("is skipped without dns.delegation", () => {
    expect(checkParentZoneRole(prod, undefined).status).toBe("skip");
  });

  it("is ok when the role can be assumed and reads the parent zone", () => {
    expect(checkParentZoneRole(dev, { kind: "readable" }).status).toBe("ok");
  });

  it("fails naming the role when it cannot be assumed", () => {
    expect(checkParentZoneRole(dev, { kind: "cannot-assume", message: "AccessDenied" }).detail).toMatch(
      /^cannot assume role arn:aws:iam::333333333333:role\/acme-web-dns-delegation \(AccessDenied\); fix: /,
    );
  });

  it("fails naming the zone when the role cannot read it", () => {
    expect(checkParentZoneRole(dev, { kind: "cannot-read", message: "AccessDenied" }).detail).toContain("parent zone example.com (Z0EXAMPLEPARENTZONE)");
  });
});

describe("public delegation", () => {
  it("is ok when the public NS records are the zone's, whatever their case and trailing dots", () => {
    expect(checkPublicDelegation(prod, found([zone]), { kind: "answer", servers: ["NS-2.awsdns-02.com.", "ns-1.awsdns-01.org"] }).status).toBe("ok");
  });

  it("fails naming both sets when the public DNS points elsewhere", () => {
    expect(checkPublicDelegation(prod, found([zone]), { kind: "answer", servers: ["ns1.registrar.example"] }).detail).toMatch(
      /^the public DNS sends example\.com to ns1\.registrar\.example, but the zone's name servers are ns-1\.awsdns-01\.org, ns-2\.awsdns-02\.com; fix: /,
    );
  });

  it("fails when the public DNS has no delegation, saying where the dns stack writes it", () => {
    expect(checkPublicDelegation(dev, found([zone]), { kind: "no-delegation", code: "ENOTFOUND" }).detail).toContain(
      "the NS record of dev.example.com in example.com (the deploy of dev-dns writes it)",
    );
  });

  it("is skipped with a note when DNS cannot be asked", () => {
    expect(checkPublicDelegation(dev, found([zone]), { kind: "unresolvable", code: "ECONNREFUSED" })).toMatchObject({
      status: "skip",
      detail: expect.stringContaining("could not ask the public DNS from here (ECONNREFUSED)"),
    });
  });

  it("warns on SERVFAIL", () => {
    expect(checkPublicDelegation(dev, found([zone]), { kind: "server-failure", code: "ESERVFAIL" }).status).toBe("warn");
  });

  it("is skipped when there is no zone to compare with", () => {
    expect(checkPublicDelegation(dev, found([]), { kind: "answer", servers: [] }).status).toBe("skip");
  });
});

describe("certificate", () => {
  const cert = (status: string, inUse: boolean, created: string) => ({
    arn: `arn:aws:acm:us-east-1:333333333333:certificate/${status}`,
    domainName: "example.com",
    status,
    inUse,
    createdAt: new Date(created),
  });

  it("is skipped before the first deploy requests one", () => {
    expect(checkCertificate(prod, found([])).status).toBe("skip");
  });

  it("judges the certificate CloudFront uses rather than a newer one", () => {
    expect(checkCertificate(prod, found([cert("ISSUED", true, "2026-01-01"), cert("PENDING_VALIDATION", false, "2026-06-01")])).status).toBe("ok");
  });

  it("warns while the newest is pending validation", () => {
    expect(checkCertificate(prod, found([cert("PENDING_VALIDATION", false, "2026-06-01")])).status).toBe("warn");
  });

  it("fails for a validation that timed out", () => {
    expect(checkCertificate(prod, found([cert("VALIDATION_TIMED_OUT", false, "2026-06-01")])).status).toBe("fail");
  });

  it("warns, naming the domain, when the issued certificate does not cover every configured domain name", () => {
    const issued = { ...cert("ISSUED", true, "2026-01-01"), names: ["example.com"] };
    expect(checkCertificate(prod, found([issued]))).toMatchObject({ status: "warn", detail: expect.stringMatching(/does not cover www\.example\.com; the next deploy of prod-distribution/) });
  });

  it("is ok when the issued certificate covers every configured domain name", () => {
    expect(checkCertificate(prod, found([{ ...cert("ISSUED", true, "2026-01-01"), names: ["example.com", "www.example.com"] }])).status).toBe("ok");
  });

  it("does not judge coverage when ACM did not list every name", () => {
    expect(checkCertificate(prod, found([cert("ISSUED", true, "2026-01-01")])).status).toBe("ok");
  });
});

describe("certificateCovers", () => {
  it.each([
    [["example.com"], "EXAMPLE.com", true],
    [["*.example.com"], "www.example.com", true],
    [["*.example.com"], "example.com", false],
    [["*.example.com"], "a.b.example.com", false],
    [["www.example.com"], "example.com", false],
  ])("%j covers %s: %s", (names, domain, covered) => {
    expect(certificateCovers(names, domain)).toBe(covered);
  });
});

describe("lambda runtime", () => {
  it("fails past the block-update date", () => {
    expect(checkLambdaRuntime({ ...dev, ssr: { ...dev.ssr, runtime: "nodejs20.x" } }, new Date("2026-12-06")).status).toBe("fail");
  });

  it("warns within 90 days of it", () => {
    expect(checkLambdaRuntime(dev, new Date("2027-05-01")).status).toBe("warn");
  });
});

describe("lambda concurrency", () => {
  const planned = (reserved: number): PlannedReservations => ({ environments: ["prod"], functionNames: ["acme-web-prod-ssr"], reserved, source: "from cdktf.out" });
  const settings = (limit: number, unreserved: number) => found({ limit, unreserved });

  it("is ok when the reservations leave at least 100 unreserved", () => {
    expect(checkLambdaConcurrency(prod, planned(200), settings(1000, 1000), found(0)).status).toBe("ok");
  });

  it("fails on a new account's limit of 10, saying how to raise it", () => {
    expect(checkLambdaConcurrency(prod, planned(200), settings(10, 10), found(0)).detail).toMatch(
      /leaving -190 unreserved, but Lambda refuses reservations that leave fewer than 100.*fix: request a higher "Concurrent executions" quota/,
    );
  });

  it("counts other functions' reservations but replaces this workspace's own", () => {
    // Others reserve 650 (1000 - 150 unreserved - 200 ours); ours stays 200: 150 left.
    expect(checkLambdaConcurrency(prod, planned(200), settings(1000, 150), found(200)).detail).toContain("other functions reserve 650");
  });

  it("fails when other functions leave too little", () => {
    expect(checkLambdaConcurrency(prod, planned(200), settings(1000, 250), found(0)).status).toBe("fail");
  });

  it("warns when account.lambdaConcurrencyLimit claims more than the account has", () => {
    expect(checkLambdaConcurrency(prod, planned(0), settings(500, 500), found(0)).status).toBe("warn");
  });

  it("fails closed when the settings cannot be read", () => {
    expect(checkLambdaConcurrency(prod, planned(200), { kind: "unreachable", message: "HTTP 404" }, found(0)).status).toBe("fail");
  });
});

describe("slack", () => {
  it("is skipped without slack", () => {
    const noSlack: EnvironmentConfig = { ...dev, slack: undefined };
    expect(checkSlack(noSlack, undefined).status).toBe("skip");
  });

  it("is ok when the workspace is authorized", () => {
    expect(checkSlack(dev, found([{ teamId: "T0EXAMPLE1", teamName: "acme" }])).status).toBe("ok");
  });

  it("fails with the console step when it is not", () => {
    expect(checkSlack(dev, found([{ teamId: "T0OTHER" }])).detail).toMatch(/is not authorized .*fix: authorize the workspace once in the AWS Chatbot console/);
  });

  it("is skipped when the Chatbot API cannot be reached", () => {
    expect(checkSlack(dev, { kind: "unreachable", message: "ECONNREFUSED" }).status).toBe("skip");
  });
});

describe("exit code", () => {
  it("is 1 when a check failed", () => {
    expect(exitCodeOf([{ name: "a", status: "warn", detail: "" }, { name: "b", status: "fail", detail: "" }])).toBe(1);
  });

  it("is 0 with only warnings and skips", () => {
    expect(exitCodeOf([{ name: "a", status: "warn", detail: "" }, { name: "b", status: "skip", detail: "" }])).toBe(0);
  });
});

describe("state-lock", () => {
  it("is ok when no stack's state is locked", () => {
    expect(checkStateLock(dev, found([]))).toEqual({ name: "state-lock", status: "ok", detail: "no stack of dev has its state locked" });
  });

  it("fails on a lock file that holds no readable lock ID, saying to delete that file", () => {
    expect(checkStateLock(dev, found([{ key: "acme-web/dev/dns.tfstate" }])).detail).toBe(
      "state locked, probably left by a deploy that was stopped: s3://acme-web-tfstate-111111111111/acme-web/dev/dns.tfstate.tflock: " +
        "once no Terraform run is active, delete that lock file (it holds no readable lock ID)",
    );
  });

  it("is skipped when there is no state bucket (state-bucket says so)", () => {
    expect(checkStateLock(dev, { kind: "missing", message: "NoSuchBucket" }).status).toBe("skip");
  });

  it("fails when the lock files cannot be read, naming the permission", () => {
    expect(checkStateLock(dev, { kind: "denied", message: "AccessDenied" }).detail).toMatch(/s3:GetObject on <key>\.tflock/);
  });
});

