"use client";
import { useEffect, useState } from "react";

export function Counter() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return <p data-hydrated={hydrated ? "true" : "false"}>{hydrated ? "client ready" : "server only"}</p>;
}
