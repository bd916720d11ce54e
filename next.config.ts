import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The custom server (server/main.ts) owns the HTTP listener and the WebSocket upgrade.
  serverExternalPackages: ['@kubernetes/client-node', 'ws'],
  poweredByHeader: false,
  reactStrictMode: true,
  typescript: { ignoreBuildErrors: true }, // `npm run typecheck` is the type gate; keep builds fast
};

export default nextConfig;
