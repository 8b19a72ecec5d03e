import { NextResponse } from "next/server";

// Runs before every page: proves the build's middleware runs in the server function.
export function middleware() {
  const response = NextResponse.next();
  response.headers.set("x-middleware", "ran");
  return response;
}

export const config = { matcher: ["/((?!_next/|api/).*)"] };
