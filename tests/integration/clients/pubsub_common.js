// Shared by the pub/sub client scripts (ioredis_pubsub.js, node_redis_pubsub.js): the command line, a bounded
// wait, and the one-JSON-line result.

// Every node's port, from `node <script> PORT1,PORT2,...`.
const ports = process.argv[2].split(",").map(Number);

// Resolves with pred() once it holds or `ms` milliseconds passed (polled every 20 ms).
function waitFor(pred, ms) {
  return new Promise((resolve) => {
    const start = Date.now();
    const t = setInterval(() => {
      if (pred() || Date.now() - start > ms) {
        clearInterval(t);
        resolve(pred());
      }
    }, 20);
  });
}

// Runs main(), prints its result {ok, ...} (or the error) as one JSON line and exits non-zero when not ok.
// `done` runs after a result, before the exit (disconnects clients).
function run(main, done = () => {}) {
  main()
    .then((r) => { console.log(JSON.stringify(r)); done(); process.exit(r.ok ? 0 : 1); })
    .catch((e) => { console.log(JSON.stringify({ ok: false, error: String(e) })); process.exit(1); });
}

module.exports = { ports, waitFor, run };
