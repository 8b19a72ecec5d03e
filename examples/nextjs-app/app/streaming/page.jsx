import { Suspense } from "react";

export const dynamic = "force-dynamic";

async function Slow() {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return <p data-streamed="true">streamed after the shell</p>;
}

export default function StreamingPage() {
  return (
    <main>
      <h1>Streaming page</h1>
      <Suspense fallback={<p>loading…</p>}>
        <Slow />
      </Suspense>
    </main>
  );
}
