export default defineEventHandler(() => ({ status: "ok", framework: "nuxt" }));
