export default async function globalTeardown(): Promise<void> {
  await globalThis.__MOTO_SERVER__?.stop();
}
