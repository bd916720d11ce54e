import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import { AppShell } from '@/components/ui/app-shell';
import './globals.css';

// Rendered per request: every page gets its own CSP nonce (server/http/security-headers.ts).
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'gatescope',
  description: 'Live console for the Istio ingress gateway',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Providers>
          <AppShell>{children}</AppShell>
        </Providers>
      </body>
    </html>
  );
}
