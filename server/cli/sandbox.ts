/**
 * `gatescope sandbox`: the built-in cluster on its own (no console), for kubectl, client-node or a
 * console started elsewhere with `--kubeconfig`. Runs until SIGINT/SIGTERM, then stops cleanly.
 */
import { resolve } from 'node:path';
import { parseCommand } from './args';

export const summary = 'run the built-in sandbox cluster alone and print its kubeconfig';

const HELP = `Usage: gatescope sandbox [options]

Starts a Kubernetes-compatible API server on 127.0.0.1 (HTTPS, bearer token) with an Istio-style
ingress data plane, and writes a kubeconfig for it (context gatescope-sandbox).

  --kubeconfig-out FILE  write the kubeconfig there (default: a temporary file, removed on exit)
  --api-port N           API server port (default 0: a free port)
  --scenario NAME|FILE|DIR
                         objects to start with: ingress-basics (default), troubleshooting,
                         a YAML file or a directory of *.yaml files
  --port-offset N        added to every data-plane port (LoadBalancer 80/443/3306, NodePorts
                         30000/30443/30306); use it when those ports are taken or privileged
  --traffic RPS          generated requests per second (default 10, 0 = off)
  -h, --help             this help
`;

function intOption(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got "${v}"`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    'sandbox',
    argv,
    {
      'kubeconfig-out': { type: 'string' },
      'api-port': { type: 'string' },
      scenario: { type: 'string' },
      'port-offset': { type: 'string' },
      traffic: { type: 'string' },
    },
    HELP,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  let apiPort: number | undefined;
  let portOffset: number | undefined;
  let traffic: number | undefined;
  try {
    apiPort = intOption('api-port', values['api-port'], 0, 65535);
    portOffset = intOption('port-offset', values['port-offset'], 0, 30000);
    if (values.traffic !== undefined) {
      traffic = Number(values.traffic);
      if (!Number.isFinite(traffic) || traffic < 0 || traffic > 10000) throw new Error(`--traffic must be a number from 0 to 10000, got "${values.traffic}"`);
    }
  } catch (err) {
    console.error(`gatescope sandbox: ${(err as Error).message}`);
    return 2;
  }

  const { startSandbox } = await import('../sandbox/start');
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox({
      kubeconfigOut: values['kubeconfig-out'] ? resolve(values['kubeconfig-out']) : undefined,
      apiPort,
      scenario: values.scenario,
      portOffset,
      traffic,
      log: (line) => console.error(line),
    });
  } catch (err) {
    console.error(`gatescope sandbox: ${(err as Error).message}`);
    return 1;
  }
  console.log(`gatescope sandbox: API server at ${sandbox.apiUrl}`);
  console.log(`gatescope sandbox: kubeconfig ${sandbox.kubeconfigPath} (context ${sandbox.contextName})`);
  console.log(`export KUBECONFIG=${sandbox.kubeconfigPath}`);
  console.log('gatescope sandbox: press Ctrl-C to stop');

  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      console.error(`gatescope sandbox: ${signal}, stopping`);
      const force = setTimeout(() => {
        console.error('gatescope sandbox: did not stop within 10 s, exiting');
        done(1);
      }, 10_000);
      force.unref();
      sandbox
        .close()
        .then(() => {
          clearTimeout(force);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done(0);
        })
        .catch((err: unknown) => {
          console.error(`gatescope sandbox: error while stopping: ${(err as Error).message}`);
          done(1);
        });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
