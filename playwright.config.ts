import { defineConfig, devices } from '@playwright/test';

/** Debian's Chromium; browser downloads are impossible on our machines. Override with CHROMIUM_PATH. */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const port = Number(process.env.GATESCOPE_E2E_PORT ?? 3107);
/** Data-plane ports of the sandbox move by this offset (LoadBalancer 80 → 10080, NodePort 30000 → 40000). */
export const E2E_PORT_OFFSET = Number(process.env.GATESCOPE_E2E_PORT_OFFSET ?? 10000);
/** The sandbox's kubeconfig, for specs that act as kubectl beside the console (e2e/support/kubectl.ts). */
export const E2E_KUBECONFIG = `.gatescope/e2e-${port}.kubeconfig`;
/**
 * The second console, on the troubleshooting scenario (e2e/troubleshooting-fix.spec.ts): port 3109,
 * data-plane offset 10700. A run that moves the first console (GATESCOPE_E2E_PORT / _PORT_OFFSET,
 * as parallel runs from one checkout do) moves this one too, by +1000 and +700, so that two runs
 * never both claim 3109; GATESCOPE_E2E_TROUBLESHOOTING_PORT / _PORT_OFFSET set them outright.
 */
export const TROUBLESHOOTING_PORT = Number(process.env.GATESCOPE_E2E_TROUBLESHOOTING_PORT ?? (process.env.GATESCOPE_E2E_PORT ? port + 1000 : 3109));
export const TROUBLESHOOTING_PORT_OFFSET = Number(
  process.env.GATESCOPE_E2E_TROUBLESHOOTING_PORT_OFFSET ?? (process.env.GATESCOPE_E2E_PORT_OFFSET ? E2E_PORT_OFFSET + 700 : 10700),
);
export const TROUBLESHOOTING_KUBECONFIG = `.gatescope/e2e-${TROUBLESHOOTING_PORT}.kubeconfig`;

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1440, height: 900 },
        launchOptions: {
          executablePath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: [
  {
    command: `node bin/gatescope.mjs start --port ${port} --port-offset ${E2E_PORT_OFFSET} --traffic 5 --sandbox-kubeconfig-out ${E2E_KUBECONFIG}`,
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
  // The troubleshooting scenario, for e2e/troubleshooting-fix.spec.ts (its own sandbox and ports;
  // both servers share the Next dist folder: server/build.ts lets one build while the other waits).
  {
    command: `node bin/gatescope.mjs start --port ${TROUBLESHOOTING_PORT} --port-offset ${TROUBLESHOOTING_PORT_OFFSET} --traffic 0 --scenario troubleshooting --sandbox-kubeconfig-out ${TROUBLESHOOTING_KUBECONFIG}`,
    url: `http://127.0.0.1:${TROUBLESHOOTING_PORT}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
  ],
});
