// Incremental static regeneration: prerendered at build time, regenerated at most once a minute.
export const revalidate = 60;

export default function IsrPage() {
  return (
    <main>
      <h1>ISR page</h1>
      <p data-generated-at={new Date().toISOString()}>Generated ahead of time, revalidated every 60 s.</p>
    </main>
  );
}
