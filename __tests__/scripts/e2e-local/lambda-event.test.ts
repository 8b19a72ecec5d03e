import { fromResultV2, toEventV2, type IncomingRequest } from "../../../scripts/e2e-local/lambda-event";

const request = (overrides: Partial<IncomingRequest> = {}): IncomingRequest => ({
  method: "GET",
  path: "/api/health",
  query: "",
  headers: { host: "127.0.0.1:8080", "user-agent": "test" },
  body: Buffer.alloc(0),
  sourceIp: "127.0.0.1",
  ...overrides,
});

describe("toEventV2", () => {
  it("gives the handler the path where both rawPath and requestContext.http.path are", () => {
    const event = toEventV2(request({ path: "/api/health" }));
    expect([event.rawPath, event.requestContext.http.path]).toEqual(["/api/health", "/api/health"]);
  });

  it("upper-cases the method in requestContext.http", () => {
    expect(toEventV2(request({ method: "post" })).requestContext.http.method).toBe("POST");
  });

  it("moves cookies out of the headers into their own list", () => {
    const event = toEventV2(request({ headers: { cookie: "a=1; b=2" } }));
    expect([event.cookies, event.headers.cookie]).toEqual([["a=1", "b=2"], undefined]);
  });

  it("joins repeated query parameters with commas", () => {
    expect(toEventV2(request({ query: "x=1&x=2&y=3" })).queryStringParameters).toEqual({ x: "1,2", y: "3" });
  });

  it("passes a JSON body as text", () => {
    const event = toEventV2(request({ method: "POST", headers: { "content-type": "application/json" }, body: Buffer.from('{"a":1}') }));
    expect([event.body, event.isBase64Encoded]).toEqual(['{"a":1}', false]);
  });

  it("passes a binary body base64-encoded", () => {
    const event = toEventV2(request({ method: "POST", headers: { "content-type": "image/png" }, body: Buffer.from([0, 1, 2]) }));
    expect([event.body, event.isBase64Encoded]).toEqual(["AAEC", true]);
  });

  it("sends no body for a request without one", () => {
    expect(toEventV2(request()).body).toBeUndefined();
  });
});

describe("fromResultV2", () => {
  it("uses statusCode, headers and body of a response object", () => {
    const response = fromResultV2({ statusCode: 404, headers: { "Content-Type": "text/html" }, body: "<p>no</p>" });
    expect([response.statusCode, response.headers["content-type"], response.body.toString()]).toEqual([404, "text/html", "<p>no</p>"]);
  });

  it("decodes a base64 body", () => {
    expect(fromResultV2({ statusCode: 200, body: "aGk=", isBase64Encoded: true }).body.toString()).toBe("hi");
  });

  it("turns cookies into Set-Cookie headers", () => {
    expect(fromResultV2({ statusCode: 200, cookies: ["a=1", "b=2"] }).headers["set-cookie"]).toEqual(["a=1", "b=2"]);
  });

  it("treats a result without statusCode as a 200 JSON body", () => {
    const response = fromResultV2({ ok: true });
    expect([response.statusCode, response.headers["content-type"], response.body.toString()]).toEqual([200, "application/json", '{"ok":true}']);
  });

  it("answers 502 to an impossible status code", () => {
    expect(fromResultV2({ statusCode: 42 }).statusCode).toBe(502);
  });
});
