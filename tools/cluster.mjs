// `npm run cluster -- 3`: N gateway replicas (built output) on one PostgreSQL, each on its own port
// with its own data directory, the same root key and administrator token, and a tiny round-robin
// proxy in front, for trying several replicas by hand. Ctrl-C stops them (SIGTERM: each drains).
//
//   DATABASE_URL   the shared database (default: postgresql://postgres@127.0.0.1:5432/uko_cluster,
//                  created if missing)
//   PORT           the proxy's port (default 4000); replica i listens on PORT + i
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, request } from "node:http";
import { join } from "node:path";
import pg from "pg";

const count = Number(process.argv[2] ?? 3);
if (!Number.isInteger(count) || count < 1 || count > 16) {
  console.error("usage: npm run cluster -- <replicas, 1 to 16>");
  process.exit(2);
}
const port = Number(process.env.PORT ?? 4000);
const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/uko_cluster";
await ensureDatabase(databaseUrl);

const rootKey = randomBytes(32).toString("base64");
const adminToken = `cluster_${randomBytes(24).toString("hex")}`;
const replicas = [];
for (let i = 1; i <= count; i++) {
  const dataDir = join(process.cwd(), "data", "cluster", `replica-${i}`);
  mkdirSync(dataDir, { recursive: true });
  const env = { ...process.env, PORT: String(port + i), UKO_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, UKO_ROOT_KEY: rootKey, UKO_ADMIN_TOKEN: adminToken, UKO_HEALTH_INTERVAL_S: process.env.UKO_HEALTH_INTERVAL_S ?? "30", UKO_KEY_SYNC_INTERVAL_S: process.env.UKO_KEY_SYNC_INTERVAL_S ?? "60" };
  delete env.UKO_ROOT_KEY_FILE;
  const child = spawn(process.execPath, ["gateway/dist/main.js"], { env, stdio: ["ignore", "pipe", "inherit"] });
  child.stdout.on("data", (chunk) => process.stdout.write(String(chunk).replace(/^(?=.)/gm, `[replica ${i}] `)));
  replicas.push({ i, url: `http://127.0.0.1:${port + i}`, child });
}

// Round robin over the replicas that answer /readyz; a replica that is down or draining is skipped.
let next = 0;
const proxy = createServer((req, res) => {
  const tryReplica = (attempt) => {
    const replica = replicas[next++ % replicas.length];
    const forward = request(replica.url + req.url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, "x-uko-replica": String(replica.i) });
      answer.pipe(res);
    });
    forward.on("error", () => (attempt < replicas.length && !res.headersSent ? tryReplica(attempt + 1) : res.writeHead(502).end("no replica answered\n")));
    req.pipe(forward);
  };
  tryReplica(1);
});

for (const r of replicas) await waitReady(r);
proxy.listen(port, () => {
  console.log(`\n${count} replicas on ${redacted(databaseUrl)}:`);
  for (const r of replicas) console.log(`  replica ${r.i}: ${r.url}/graphql`);
  console.log(`round-robin proxy: http://localhost:${port}/graphql (the x-uko-replica header names the replica that answered)`);
  console.log(`administrator token: ${adminToken}\nCtrl-C stops them all.`);
});

const stop = () => {
  proxy.close();
  for (const r of replicas) r.child.kill("SIGTERM");
  Promise.all(replicas.map((r) => new Promise((resolve) => (r.child.exitCode !== null ? resolve() : r.child.once("exit", resolve))))).then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);

async function waitReady(replica) {
  for (let i = 0; i < 600; i++) {
    if (replica.child.exitCode !== null) throw new Error(`replica ${replica.i} exited (code ${replica.child.exitCode}) before it was ready`);
    const ready = await fetch(`${replica.url}/readyz`).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`replica ${replica.i} was not ready within a minute`);
}

async function ensureDatabase(url) {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

function redacted(url) {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
