/**
 * doctor's ports over the AWS SDK: read-only calls only, each answer turned into an Observed
 * value (never an exception). Clients are made when `createDoctorPorts` is called, never at
 * module load, with the SDK's standard retries; endpoints follow AWS_ENDPOINT_URL[_<SERVICE>].
 */
import { ACMClient, ListCertificatesCommand, type KeyAlgorithm } from "@aws-sdk/client-acm";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetHostedZoneCommand, ListHostedZonesByNameCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetBucketEncryptionCommand, GetBucketVersioningCommand, GetObjectCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { errorMessage } from "../../lib/errors";
import { CLOUDFRONT_CERTIFICATE_REGION } from "../../lib/naming";
import { clientSettings, isMissingCredentials, missingCredentialsMessage, usesCustomS3Endpoint } from "../shared/aws";
import { describeSlackWorkspaces } from "./chatbot";
import type { CertificateSummary, DoctorPorts, HostedZone, Observed, ParentZoneAccess, StateLock } from "./ports";

/** Error names that mean "the credentials may not": IAM, expired or invalid keys. */
const DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "ExpiredToken",
  "ExpiredTokenException",
  "SignatureDoesNotMatch",
  "InvalidAccessKeyId",
  "Forbidden",
]);

/** Network errors and endpoints that do not serve the API: nobody answered the question. */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH"]);

interface SdkError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * An SDK error as an Observed value: `missing` for the names the call uses for "not there",
 * `denied`, `unreachable` (no answer, or an endpoint that does not know the operation, as an
 * emulator without the API answers), `failed` for the rest.
 */
export function classifyError(error: unknown, missingNames: readonly string[] = []): Exclude<Observed<never>, { kind: "found" }> {
  const e = (error ?? {}) as SdkError;
  const name = e.name ?? "";
  const status = e.$metadata?.httpStatusCode;
  // The SDK's deserialization errors run over several lines; the first says what happened.
  const message = `${name && name !== "Error" ? `${name}: ` : ""}${errorMessage(error).split("\n")[0]}`;
  // No credentials at all is a set-up problem, not a denial: no "grant access" advice for it.
  if (isMissingCredentials(error)) return { kind: "failed", message: missingCredentialsMessage(error) };
  if (missingNames.includes(name)) return { kind: "missing", message };
  if (DENIED.has(name) || status === 403) return { kind: "denied", message };
  if (UNREACHABLE_CODES.has(e.code ?? "") || UNREACHABLE_CODES.has(name) || name === "UnknownEndpoint" || name === "TimeoutError") {
    return { kind: "unreachable", message };
  }
  // No such operation at this endpoint (an API an emulator lacks): a 404 without an AWS error
  // code, or a page the SDK cannot read as the API's answer.
  const unnamed = name === "" || name === "UnknownError" || name === "Error" || name === "SyntaxError" || /^\d+$/.test(name);
  if ((status === 404 && unnamed) || name === "SyntaxError") {
    return { kind: "unreachable", message: `HTTP ${status ?? "?"}: the endpoint does not serve this API` };
  }
  // Still failing after the SDK's retries: the service is not answering.
  if (status !== undefined && status >= 500) return { kind: "unreachable", message: `${message} (HTTP ${status} after retries)` };
  return { kind: "failed", message };
}

async function observe<T>(missingNames: readonly string[], read: () => Promise<T>): Promise<Observed<T>> {
  try {
    return { kind: "found", value: await read() };
  } catch (error) {
    return classifyError(error, missingNames);
  }
}

const stripZonePrefix = (id: string | undefined) => (id ?? "").replace(/^\/hostedzone\//, "");
const fqdn = (name: string) => (name.endsWith(".") ? name : `${name}.`);

/** Every key type ACM issues; ListCertificates returns only RSA_2048 ones unless asked. */
const CERTIFICATE_KEY_TYPES: KeyAlgorithm[] = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"];

export function createDoctorPorts(region: string): DoctorPorts {
  const settings = clientSettings(region);
  const sts = new STSClient(settings);
  const route53 = new Route53Client(settings);
  const lambdaClients = new Map<string, LambdaClient>();
  const lambdaIn = (r: string) => lambdaClients.get(r) ?? lambdaClients.set(r, new LambdaClient(clientSettings(r))).get(r)!;

  return {
    callerIdentity: () =>
      observe([], async () => {
        const identity = await sts.send(new GetCallerIdentityCommand({}));
        return { account: identity.Account ?? "", arn: identity.Arn ?? "" };
      }),

    stateBucket: (bucket, bucketRegion, expectedOwner) => {
      const s3 = new S3Client({ ...clientSettings(bucketRegion), forcePathStyle: usesCustomS3Endpoint(), followRegionRedirects: true });
      return observe(["NotFound", "NoSuchBucket"], async () => {
        const head = await s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner }));
        const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner }));
        const encryption = await s3
          .send(new GetBucketEncryptionCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner }))
          .then((answer) =>
            (answer.ServerSideEncryptionConfiguration?.Rules ?? []).map((rule) => rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? "?"),
          )
          .catch((error: unknown) => {
            if ((error as SdkError).name === "ServerSideEncryptionConfigurationNotFoundError") return [];
            throw error;
          });
        return { region: head.BucketRegion, versioning: versioning.Status, encryption };
      });
    },

    stateLocks: (bucket, bucketRegion, expectedOwner, keys) => {
      const s3 = new S3Client({ ...clientSettings(bucketRegion), forcePathStyle: usesCustomS3Endpoint(), followRegionRedirects: true });
      return observe(["NoSuchBucket"], async () => {
        const found = await Promise.all(
          keys.map(async (key): Promise<StateLock | undefined> => {
            try {
              const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${key}.tflock`, ExpectedBucketOwner: expectedOwner }));
              return { key, ...lockInfo(await answer.Body?.transformToString()) };
            } catch (error) {
              if ((error as SdkError).name === "NoSuchKey") return undefined;
              throw error;
            }
          }),
        );
        return found.filter((lock): lock is StateLock => lock !== undefined);
      });
    },

    lockTable: (name, tableRegion) =>
      observe(["ResourceNotFoundException"], async () => {
        const { Table } = await new DynamoDBClient(clientSettings(tableRegion)).send(new DescribeTableCommand({ TableName: name }));
        const types = new Map((Table?.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
        return {
          status: Table?.TableStatus ?? "UNKNOWN",
          keys: (Table?.KeySchema ?? []).map((k) => ({ name: k.AttributeName ?? "", type: types.get(k.AttributeName), role: k.KeyType ?? "" })),
        };
      }),

    publicZones: (name) =>
      observe([], async () => {
        const listed = await route53.send(new ListHostedZonesByNameCommand({ DNSName: name, MaxItems: 100 }));
        const matching = (listed.HostedZones ?? []).filter((z) => z.Name === fqdn(name) && z.Config?.PrivateZone !== true);
        return Promise.all(
          matching.map(async (zone): Promise<HostedZone> => {
            const id = stripZonePrefix(zone.Id);
            const detail = await route53.send(new GetHostedZoneCommand({ Id: id }));
            return { id, nameServers: detail.DelegationSet?.NameServers ?? [] };
          }),
        );
      }),

    parentZoneAccess: async ({ roleArn, sessionName, parentZoneId, recordName }): Promise<ParentZoneAccess> => {
      let credentials;
      try {
        const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 900 }));
        credentials = assumed.Credentials;
      } catch (error) {
        const seen = classifyError(error);
        return seen.kind === "unreachable" ? seen : { kind: "cannot-assume", message: seen.message };
      }
      const asRole = new Route53Client({
        ...settings,
        credentials: {
          accessKeyId: credentials?.AccessKeyId ?? "",
          secretAccessKey: credentials?.SecretAccessKey ?? "",
          sessionToken: credentials?.SessionToken,
        },
      });
      try {
        await asRole.send(new GetHostedZoneCommand({ Id: parentZoneId }));
        await asRole.send(new ListResourceRecordSetsCommand({ HostedZoneId: parentZoneId, StartRecordName: recordName, StartRecordType: "NS", MaxItems: 1 }));
        return { kind: "readable" };
      } catch (error) {
        const seen = classifyError(error);
        return seen.kind === "unreachable" ? seen : { kind: "cannot-read", message: seen.message };
      }
    },

    lambdaAccountSettings: (lambdaRegion) =>
      observe([], async () => {
        const answer = await lambdaIn(lambdaRegion).send(new GetAccountSettingsCommand({}));
        const limit = answer.AccountLimit?.ConcurrentExecutions;
        const unreserved = answer.AccountLimit?.UnreservedConcurrentExecutions;
        if (limit === undefined || unreserved === undefined) throw new Error("GetAccountSettings returned no AccountLimit.ConcurrentExecutions");
        return { limit, unreserved };
      }),

    functionReservations: (functionNames, lambdaRegion) =>
      observe([], async () => {
        const each = await Promise.all(
          functionNames.map((name) =>
            lambdaIn(lambdaRegion)
              .send(new GetFunctionConcurrencyCommand({ FunctionName: name }))
              .then((answer) => answer.ReservedConcurrentExecutions ?? 0)
              .catch((error: unknown) => {
                // Not deployed yet: it reserves nothing today.
                if ((error as SdkError).name === "ResourceNotFoundException") return 0;
                throw error;
              }),
          ),
        );
        return each.reduce((sum, n) => sum + n, 0);
      }),

    certificates: (domainName) =>
      observe([], async () => {
        const acm = new ACMClient(clientSettings(CLOUDFRONT_CERTIFICATE_REGION));
        const found: CertificateSummary[] = [];
        let nextToken: string | undefined;
        do {
          const page = await acm.send(new ListCertificatesCommand({ Includes: { keyTypes: CERTIFICATE_KEY_TYPES }, NextToken: nextToken }));
          for (const c of page.CertificateSummaryList ?? []) {
            if (c.DomainName !== domainName || !c.CertificateArn) continue;
            const names = c.HasAdditionalSubjectAlternativeNames === true ? undefined : c.SubjectAlternativeNameSummaries;
            found.push({
              arn: c.CertificateArn,
              domainName: c.DomainName,
              status: c.Status ?? "UNKNOWN",
              inUse: c.InUse === true,
              createdAt: c.CreatedAt,
              ...(names ? { names } : {}),
            });
          }
          nextToken = page.NextToken;
        } while (nextToken);
        return found;
      }),

    slackWorkspaces: (chatbotRegion) => observe([], () => describeSlackWorkspaces(chatbotRegion)),
  };
}

/**
 * Terraform's lock info (the JSON it writes into a lock file: ID, Operation, Who, Created, …),
 * as far as it reads; a lock file that is not that JSON is still a lock.
 */
export function lockInfo(text: string | undefined): Omit<StateLock, "key"> {
  try {
    const info = JSON.parse(text ?? "") as Record<string, unknown>;
    const asText = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
    return { id: asText(info.ID), who: asText(info.Who), operation: asText(info.Operation), created: asText(info.Created) };
  } catch {
    return {};
  }
}
