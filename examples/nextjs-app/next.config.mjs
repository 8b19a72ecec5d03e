/** @type {import('next').NextConfig} */
const nextConfig = {
  // OpenNext packages the standalone output into the server function.
  output: "standalone",
};
export default nextConfig;
