"use client";
import { useState } from "react";

// Loads ./details only when the button is pressed: a chunk of its own that an old tab still
// needs after a newer release went live (npm run rehearse presses it in such a tab).
export function LazyDetails() {
  const [loaded, setLoaded] = useState({ label: "", text: "" });
  const show = async () => {
    const { details, label } = await import("./details");
    setLoaded({ label, text: details() });
  };
  return (
    <p>
      <button type="button" data-lazy-trigger onClick={show}>
        Show details
      </button>{" "}
      <span data-lazy-loaded={loaded.label}>{loaded.text}</span>
    </p>
  );
}
