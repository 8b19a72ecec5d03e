import Image from "next/image";
import Link from "next/link";
import { Counter } from "./counter";
import { LazyDetails } from "./lazy-details";

export const dynamic = "force-dynamic";

export default async function Home() {
  return (
    <main>
      <h1>Next.js home</h1>
      <p data-build>build {process.env.EXAMPLE_BUILD_LABEL}</p>
      <p data-rendered-at={new Date().toISOString()}>Rendered on the server.</p>
      <Image src="/logo.png" alt="logo" width={64} height={64} priority />
      <Counter />
      <LazyDetails />
      <nav>
        <Link href="/isr">ISR page</Link> · <Link href="/streaming">Streaming page</Link>
      </nav>
    </main>
  );
}
