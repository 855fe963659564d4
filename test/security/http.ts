import { request } from "node:http";

/**
 * Raw HTTP for the black-box security tests: the path is sent exactly as given (fetch would
 * normalise `/a/../graphql` and refuse some spellings before they leave the client).
 */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown> | undefined;
  ms: number;
}

export function rawRequest(baseUrl: string, path: string, o: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: o.method ?? "GET",
        path,
        headers: { ...(o.body !== undefined ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(o.body)) } : {}), ...o.headers },
        timeout: o.timeoutMs ?? 10_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: performance.now() - started });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer to ${path} within ${o.timeoutMs ?? 10_000} ms`)));
    req.on("error", reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
