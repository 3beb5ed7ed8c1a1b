// Monaco (GraphiQL's editor) runs its language services in workers; ours are bundled beside the page.
const WORKERS: Record<string, string> = { json: 'json.worker.js', graphql: 'graphql.worker.js' };

(globalThis as { MonacoEnvironment?: object }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return new Worker(`/assets/${WORKERS[label] ?? 'editor.worker.js'}`);
  },
};
