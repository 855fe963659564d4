/**
 * The one way the console talks to the gateway: POST /graphql on the same origin. Sign-in comes
 * later; a token kept in sessionStorage (per tab, gone when the tab closes) is sent as a bearer
 * token already, so the API can start requiring one without touching the pages.
 */
export const TOKEN_KEY = "uko.accessToken";

/** A failure a person can read: never a stack trace, never the raw response. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; requestId?: string } }[];
}

export function authHeaders(storage: Pick<Storage, "getItem"> | undefined = globalThis.sessionStorage): Record<string, string> {
  const token = storage?.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

export async function gql<T>(query: string, variables?: Record<string, unknown>, endpoint = "/graphql"): Promise<T> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", ...authHeaders() },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError("The gateway did not answer. Check that it is running, then try again.", "NETWORK");
  }
  let body: GraphQLResponse<T>;
  try {
    body = (await response.json()) as GraphQLResponse<T>;
  } catch {
    throw new ApiError(`The gateway answered with an unexpected response (HTTP ${response.status}).`, "BAD_RESPONSE");
  }
  const first = body.errors?.[0];
  if (first) throw new ApiError(describeError(first), first.extensions?.code);
  if (!body.data) throw new ApiError(`The gateway answered without data (HTTP ${response.status}).`, "BAD_RESPONSE");
  return body.data;
}

function describeError(error: { message: string; extensions?: { code?: string; requestId?: string } }): string {
  switch (error.extensions?.code) {
    case "UNAUTHENTICATED":
      return "You are not signed in, or your session has expired.";
    case "FORBIDDEN":
      return "You are not allowed to do this.";
    case "INTERNAL_SERVER_ERROR":
      // The gateway masks unexpected errors; the request id finds the log line.
      return `Something went wrong in the gateway.${error.extensions.requestId ? ` Quote request id ${error.extensions.requestId} to your administrator.` : ""}`;
    default:
      return error.message;
  }
}
