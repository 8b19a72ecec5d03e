/**
 * The public DNS as doctor asks it: the NS records of a name through node's resolver (the
 * system's servers, or those given with --dns-server, e.g. a public resolver when the local
 * one answers from a private view). Answers and failures both come back as values.
 */
import { Resolver } from "node:dns/promises";
import type { ResolverPort, ResolvedNameServers } from "./ports";

/** The resolver answered: the name does not exist, or has no NS records. */
const NO_DELEGATION = new Set(["ENOTFOUND", "ENODATA"]);
const SERVER_FAILURE = new Set(["ESERVFAIL"]);

export interface ResolverOptions {
  /** `ip` or `ip:port` entries; the system's resolvers when absent. */
  readonly servers?: readonly string[];
  /** Per try. @default 3000 */
  readonly timeoutMs?: number;
}

export function createResolver(options: ResolverOptions = {}): ResolverPort {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: 2 });
  if (options.servers && options.servers.length > 0) resolver.setServers([...options.servers]);
  return {
    async nameServers(name): Promise<ResolvedNameServers> {
      try {
        return { kind: "answer", servers: await resolver.resolveNs(name) };
      } catch (error) {
        const code = (error as { code?: string }).code ?? "EUNKNOWN";
        if (NO_DELEGATION.has(code)) return { kind: "no-delegation", code };
        if (SERVER_FAILURE.has(code)) return { kind: "server-failure", code };
        return { kind: "unresolvable", code };
      }
    },
  };
}
