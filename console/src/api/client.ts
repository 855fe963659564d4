import { endSession, TOKEN_KEY } from "../auth/session.ts";

/**
 * The one way the console talks to the gateway: POST /graphql on the same origin, with the
 * session's bearer token. A 401 ends the session (the app then shows the sign-in page).
 */
export { TOKEN_KEY };

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

export interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; requestId?: string; retryAfterSeconds?: number };
}

interface GraphQLResponse<T> {
  data?: T;
  errors?: GraphQLErrorBody[];
}

export const SESSION_ENDED = "Your session has ended: the access token expired or was revoked. Sign in again.";

export function authHeaders(storage: Pick<Storage, "getItem"> | undefined = globalThis.sessionStorage): Record<string, string> {
  const token = storage?.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * `token` sends that token instead of the session's (signing in): then a 401 is only this call's
 * error and does not end a session.
 */
export async function gql<T>(query: string, variables?: Record<string, unknown>, options: { token?: string } = {}): Promise<T> {
  let response: Response;
  const auth = options.token ? { authorization: `Bearer ${options.token}` } : authHeaders();
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", ...auth },
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
  if (first) {
    if (first.extensions?.code === "UNAUTHENTICATED" && !options.token) endSession(SESSION_ENDED);
    throw new ApiError(describeError(first), first.extensions?.code);
  }
  if (!body.data) throw new ApiError(`The gateway answered without data (HTTP ${response.status}).`, "BAD_RESPONSE");
  return body.data;
}

export function describeError(error: GraphQLErrorBody): string {
  switch (error.extensions?.code) {
    case "UNAUTHENTICATED":
      return "You are not signed in, or your session has expired.";
    case "FORBIDDEN":
      // The gateway names the permission in its own terms; the person needs the consequence.
      return "You are not allowed to do this: your roles in this vault do not permit it. Ask a vault administrator if you need to.";
    case "RATE_LIMITED":
      return `Too many requests from this token. Wait ${error.extensions.retryAfterSeconds ?? "a few"} seconds, then try again.`;
    case "INTERNAL_SERVER_ERROR":
      // The gateway masks unexpected errors; the request id finds the log line.
      return `Something went wrong in the gateway.${error.extensions.requestId ? ` Quote request id ${error.extensions.requestId} to your administrator.` : ""}`;
    default:
      return error.message;
  }
}
