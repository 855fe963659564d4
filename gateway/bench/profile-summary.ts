/** A V8 CPU profile summed two ways, for profile.ts and profile-in-process.ts. */

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
}

/**
 * Prints the functions with the most self time (top `top`) and the same time summed by package.
 * Code without a file is native or VM code, or what graphql-jit compiled (its functions are named
 * `…MapHandler`, `…Resolver`, `…Serializer`).
 */
export function printProfileSummary(profile: CpuProfile, heading: string, top: number): void {
  const total = profile.samples?.length ?? 0;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\//, "").replace(/^.*\/node_modules\//, "").replace(/^.*\/gateway\//, "gateway/");
    const key = `${functionName || "(anonymous)"} ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    byPackage.set(packageOf(functionName, url, where), (byPackage.get(packageOf(functionName, url, where)) ?? 0) + hits);
  }
  const pct = (n: number) => `${((n / total) * 100).toFixed(1).padStart(5)} %`;
  console.log(`${heading}, ${total} samples\n\nself time by function (top ${top}):`);
  for (const [k, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)}  ${k}`);
  console.log(`\nself time by package:`);
  for (const [k, n] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(`${pct(n)}  ${k}`);
}

function packageOf(functionName: string, url: string, where: string): string {
  if (!url) return /Handler|Resolver|Serializer/.test(functionName) ? "(no file: compiled by graphql-jit)" : `${functionName || "(anonymous)"} (native or VM)`;
  if (url.includes("/node_modules/")) return /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? url;
  if (url.startsWith("node:")) return "node internals";
  return url.includes("/gateway/src/") ? "gateway/src" : where;
}
