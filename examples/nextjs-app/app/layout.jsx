import "./globals.css";

export const metadata = { title: "Next.js on the workspace" };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
