/**
 * AWS Chatbot's DescribeSlackWorkspaces as one SigV4-signed JSON request. The registry this
 * workspace installs from carries @aws-sdk/client-chatbot only at 3.670.0, which would pull
 * a second, older copy of the whole SDK core (147 packages); the operation is one POST
 * (https://docs.aws.amazon.com/chatbot/latest/APIReference/API_DescribeSlackWorkspaces.html),
 * so it is signed with the SDK's own signer and credential chain instead. Endpoint overrides
 * follow the SDK's AWS_ENDPOINT_URL_CHATBOT / AWS_ENDPOINT_URL.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { SlackWorkspace } from "./ports";

/** SHA-256 (or HMAC-SHA-256 with a secret) in the shape the signer expects. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === "string") return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/** An error shaped like the SDK's, so classifyError treats it alike. */
export class ChatbotApiError extends Error {
  readonly $metadata: { readonly httpStatusCode?: number };
  constructor(name: string, message: string, status?: number) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

const ATTEMPTS = 3;
const RETRIED_STATUS = new Set([429, 500, 502, 503, 504]);

export async function describeSlackWorkspaces(region: string, env: NodeJS.ProcessEnv = process.env): Promise<SlackWorkspace[]> {
  const endpoint = new URL(env.AWS_ENDPOINT_URL_CHATBOT ?? env.AWS_ENDPOINT_URL ?? `https://chatbot.${region}.amazonaws.com`);
  const signer = new SignatureV4({ service: "chatbot", region, credentials: defaultProvider(), sha256: Sha256 });
  const workspaces: SlackWorkspace[] = [];
  let nextToken: string | undefined;
  do {
    const body = JSON.stringify(nextToken ? { NextToken: nextToken } : {});
    const page = (await post(signer, endpoint, "/describe-slack-workspaces", body)) as {
      NextToken?: string;
      SlackWorkspaces?: { SlackTeamId?: string; SlackTeamName?: string }[];
    };
    workspaces.push(...(page.SlackWorkspaces ?? []).map((w) => ({ teamId: w.SlackTeamId ?? "", teamName: w.SlackTeamName })));
    nextToken = page.NextToken;
  } while (nextToken);
  return workspaces;
}

async function post(signer: SignatureV4, endpoint: URL, path: string, body: string): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    const signed = await signer.sign({
      method: "POST",
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : undefined,
      path: `${endpoint.pathname.replace(/\/$/, "")}${path}`,
      headers: { "content-type": "application/json", host: endpoint.host },
      body,
    });
    let response: Response;
    try {
      response = await fetch(new URL(signed.path, endpoint), { method: "POST", headers: signed.headers, body, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      if (attempt < ATTEMPTS) {
        await backoff(attempt);
        continue;
      }
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new ChatbotApiError(cause?.code ?? "TimeoutError", `no answer from ${endpoint.host} (${(error as Error).message})`);
    }
    if (RETRIED_STATUS.has(response.status) && attempt < ATTEMPTS) {
      await backoff(attempt);
      continue;
    }
    const text = await response.text();
    if (response.ok) return text === "" ? {} : JSON.parse(text);
    const type = response.headers.get("x-amzn-errortype")?.split(":")[0] ?? "";
    const message = /"[Mm]essage"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? (response.statusText || "no message");
    throw new ChatbotApiError(type, message, response.status);
  }
}

/** 0.2 s, 0.4 s … with jitter, as the SDK's standard strategy does. */
function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 200 * 2 ** (attempt - 1)));
}
