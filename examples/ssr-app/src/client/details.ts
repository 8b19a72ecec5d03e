/// <reference lib="dom" />
// Loaded on demand (a chunk of its own): says which build's chunk arrived.
declare const __BUILD_LABEL__: string;

export function showDetails(): void {
  const target = document.querySelector("[data-lazy-loaded]");
  if (target) {
    target.textContent = `details from build ${__BUILD_LABEL__}`;
    target.setAttribute("data-lazy-loaded", __BUILD_LABEL__);
  }
}
