/**
 * `gatescope start`: the console. Without --kubeconfig, --context or --in-cluster it starts the
 * built-in sandbox and connects to it through the sandbox's kubeconfig, exactly as it would to a
 * real cluster; with any of them it connects to that cluster and never starts the sandbox.
 */
import { parseArgs } from 'node:util';
import { startConsole, StartupError, type RunningConsole } from '../main';
import { authFlags, AUTH_HELP, AUTH_OPTIONS } from './auth-flags';
import { readSandboxUsers } from './sandbox-users';
import { parsePrometheusUrl } from '../traffic/prometheus';

export const summary = 'run the console (and the built-in sandbox when no cluster is given)';

const HELP = `Usage: gatescope start [options]

  --port N              port to listen on (default 3000; 0 picks a free port)
  --host ADDR           address to listen on (default 127.0.0.1; loopback only)
  --kubeconfig FILE     connect to the cluster of this kubeconfig (no sandbox)
  --context NAME        kubeconfig context to use (no sandbox)
  --in-cluster          use the pod's service account configuration (no sandbox)
  --scenario NAME       sandbox scenario (default ingress-basics; also troubleshooting, a file or a dir)
  --port-offset N       sandbox: added to every data-plane port (LoadBalancer 80/443/3306, NodePorts)
  --traffic RPS         sandbox: generated requests per second (default 10, 0 = off)
  --sandbox-kubeconfig-out FILE
                        sandbox: also write its kubeconfig here (for kubectl beside the console)
  --prometheus-url URL  Prometheus holding Istio's standard metrics: traffic history beyond 15 min
  --dev                 run Next in development mode (hot reload)
${AUTH_HELP}`;

export async function run(argv: string[]): Promise<number | void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'in-cluster': { type: 'boolean', default: false },
      scenario: { type: 'string' },
      'port-offset': { type: 'string' },
      traffic: { type: 'string' },
      'sandbox-kubeconfig-out': { type: 'string' },
      'prometheus-url': { type: 'string' },
      dev: { type: 'boolean', default: false },
      ...AUTH_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`gatescope start: --port must be a port number, got "${values.port}"`);
    return 2;
  }
  let security: ReturnType<typeof authFlags>;
  try {
    security = authFlags(values);
  } catch (err) {
    console.error(`gatescope start: ${(err as Error).message}`);
    return 2;
  }
  if (values['prometheus-url'] !== undefined) {
    try {
      parsePrometheusUrl(values['prometheus-url']);
    } catch (err) {
      console.error(`gatescope start: ${(err as Error).message}`);
      return 2;
    }
  }
  const useCluster = !!(values.kubeconfig || values.context || values['in-cluster']);
  let sandbox: { kubeconfigPath: string; apiUrl: string; close(): Promise<void> } | undefined;
  let consoleServer: RunningConsole | undefined;
  try {
    if (!useCluster) {
      const { startSandbox } = await import('../sandbox/start');
      sandbox = await startSandbox({
        apiPort: 0,
        scenario: values.scenario,
        portOffset: values['port-offset'] !== undefined ? Number(values['port-offset']) : undefined,
        traffic: values.traffic !== undefined ? Number(values.traffic) : undefined,
        kubeconfigOut: values['sandbox-kubeconfig-out'],
        users: values['sandbox-users'] ? readSandboxUsers(values['sandbox-users']) : undefined,
      });
      console.log(`gatescope: sandbox API server at ${sandbox.apiUrl} (kubeconfig ${sandbox.kubeconfigPath})`);
      const off = (sandbox as { portOffset?: number }).portOffset ?? 0;
      console.log(`gatescope: sandbox ingress at http://127.0.0.1:${80 + off} (LoadBalancer; NodePorts ${30000 + off}, ${30443 + off}, ${30306 + off})`);
    }
    consoleServer = await startConsole({
      port,
      host: values.host!,
      kubeconfig: sandbox ? sandbox.kubeconfigPath : values.kubeconfig,
      context: values.context,
      inCluster: values['in-cluster'],
      mode: sandbox ? 'sandbox' : 'cluster',
      dev: values.dev,
      prometheusUrl: values['prometheus-url'],
      ...security,
    });
  } catch (err) {
    await sandbox?.close();
    if (err instanceof StartupError) {
      console.error(`gatescope: ${err.message}`);
      return 1;
    }
    throw err;
  }
  console.log(`gatescope: console ready at ${consoleServer.url}  (context ${consoleServer.runtime.context})`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('gatescope: shutting down…');
  await consoleServer.close();
  await sandbox?.close();
  return 0;
}
