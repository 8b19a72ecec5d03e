import Image from "next/image";
import Link from "next/link";
import { Counter } from "./counter";

export const dynamic = "force-dynamic";

export default async function Home() {
  return (
    <main>
      <h1>Next.js home</h1>
      <p data-rendered-at={new Date().toISOString()}>Rendered on the server.</p>
      <Image src="/logo.png" alt="logo" width={64} height={64} priority />
      <Counter />
      <nav>
        <Link href="/isr">ISR page</Link> · <Link href="/streaming">Streaming page</Link>
      </nav>
    </main>
  );
}
