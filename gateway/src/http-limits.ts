import type { Plugin } from "graphql-yoga";

/** Largest request body the API accepts; GraphQL documents are small, so this is generous. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Refuses oversized bodies before they are read, and POSTs whose size is not declared, so a
 * client cannot stream an unbounded body at the gateway.
 */
export function bodyLimit(maxBytes = MAX_BODY_BYTES): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== "POST") return;
      const length = request.headers.get("content-length");
      const refuse = (status: number, message: string) =>
        endResponse(new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code: status === 413 ? "PAYLOAD_TOO_LARGE" : "LENGTH_REQUIRED" } }] }), {
          status,
          headers: { "content-type": "application/json" },
        }));
      if (length === null) return refuse(411, "A request body must declare its Content-Length");
      if (!/^\d+$/.test(length) || Number(length) > maxBytes) return refuse(413, `The request body is larger than ${maxBytes} bytes`);
    },
  };
}
