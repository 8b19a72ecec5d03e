/// <reference lib="dom" />
// The client bundle: marks the page as hydrated so E2E tests can see the script ran.
declare const __BUILD_LABEL__: string;

document.documentElement.dataset.hydrated = "true";
const badge = document.querySelector("[data-build]");
if (badge) badge.textContent = `client ${__BUILD_LABEL__}`;
