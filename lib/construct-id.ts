/** `tag-cache` → `TagCache`: construct ids from the stable slugs of config and the app build. */
export function pascalCase(slug: string): string {
  return slug.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());
}
