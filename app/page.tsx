export default function OverviewPage() {
  return (
    <main className="mx-auto max-w-5xl p-8">
      <h1 className="text-2xl font-semibold">gatescope</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        The request path of your Istio ingress gateway, live. The topology view arrives with the console
        issue; the built-in sandbox is running behind this page.
      </p>
    </main>
  );
}
