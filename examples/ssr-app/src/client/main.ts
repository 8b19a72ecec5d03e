/// <reference lib="dom" />
// The client bundle: marks the page as hydrated so E2E tests can see the script ran, and
// loads the details chunk only when asked. That lazily loaded chunk is what an old tab
// still needs after a newer release went live (npm run rehearse clicks it in such a tab).
declare const __BUILD_LABEL__: string;

document.documentElement.dataset.hydrated = "true";
const badge = document.querySelector("[data-build]");
if (badge) badge.textContent = `client ${__BUILD_LABEL__}`;

const trigger = document.querySelector<HTMLButtonElement>("[data-lazy-trigger]");
trigger?.addEventListener("click", () => {
  import("./details")
    .then(({ showDetails }) => showDetails())
    .catch((error: unknown) => {
      document.documentElement.dataset.lazyError = String(error);
    });
});
