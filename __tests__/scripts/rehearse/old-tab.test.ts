import { browserFailureCounts } from "../../../scripts/rehearse/old-tab";

describe("which failed browser requests count against zero downtime", () => {
  it("leaves out a request the page cancelled itself (a superseded Next.js prefetch)", () => {
    expect(browserFailureCounts("net::ERR_ABORTED")).toBe(false);
  });

  it.each(["net::ERR_CONNECTION_REFUSED", "net::ERR_CONNECTION_RESET", "net::ERR_EMPTY_RESPONSE", "net::ERR_INCOMPLETE_CHUNKED_ENCODING", undefined])(
    "counts %s, which a server or the edge causes",
    (errorText) => {
      expect(browserFailureCounts(errorText)).toBe(true);
    },
  );
});
