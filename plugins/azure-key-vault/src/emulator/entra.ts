import { randomUUID, timingSafeEqual } from "node:crypto";
import { VAULT_RESOURCE, type TokenSigner } from "./tokens.js";
import type { EmulatorPrincipal } from "./types.js";

/**
 * The fake Entra ID: the OpenID discovery document MSAL reads first, and the token endpoint's
 * client-credentials grant with Entra's real error codes (sdk-loopback §3.2):
 * AADSTS90002 unknown tenant, AADSTS700016 unknown application, AADSTS7000215 wrong secret.
 */
export interface EntraContext {
  authorityHost: string;
  principals: Map<string, EmulatorPrincipal>;
  vaultTenantId: string;
  signer: TokenSigner;
  nowSeconds: number;
  tokenLifetimeSeconds: number;
}

export interface EntraAnswer {
  status: number;
  body: object;
  /** The error code (`invalid_client`), for the request log. */
  errorCode?: string;
}

const TENANT_PATTERN = /^[A-Za-z0-9.-]{1,64}$/;

/** `GET /{tenant}/v2.0/.well-known/openid-configuration`, for any well-formed tenant (the token endpoint decides). */
export function discoveryDocument(authorityHost: string, tenant: string): EntraAnswer {
  if (!TENANT_PATTERN.test(tenant)) return entraError(400, "invalid_request", 90002, `Tenant '${tenant}' not found.`);
  const base = `${authorityHost}/${tenant}`;
  return {
    status: 200,
    body: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${authorityHost}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid"],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: "EU",
      cloud_instance_name: "microsoftonline.com",
      cloud_graph_host_name: "graph.windows.net",
      msgraph_host: "graph.microsoft.com",
      rbac_url: "https://pas.windows.net",
    },
  };
}

/** `POST /{tenant}/oauth2/v2.0/token` with a form body. */
export function issueToken(context: EntraContext, tenant: string, form: URLSearchParams): EntraAnswer {
  const tenants = new Set([context.vaultTenantId, ...[...context.principals.values()].map((p) => p.tenantId ?? context.vaultTenantId)]);
  if (!tenants.has(tenant)) {
    return entraError(400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  if (form.get("grant_type") !== "client_credentials") {
    return entraError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
  }
  const clientId = form.get("client_id") ?? "";
  const principal = context.principals.get(clientId);
  if (!principal || (principal.tenantId ?? context.vaultTenantId) !== tenant) {
    return entraError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
  const secret = Buffer.from(form.get("client_secret") ?? "");
  const expected = Buffer.from(principal.clientSecret);
  if (secret.length !== expected.length || !timingSafeEqual(secret, expected)) {
    return entraError(
      401,
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
  }
  const scope = form.get("scope") ?? "";
  if (!scope.split(" ").includes(`${VAULT_RESOURCE}/.default`)) {
    return entraError(400, "invalid_scope", 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`);
  }
  const iat = context.nowSeconds;
  const exp = iat + context.tokenLifetimeSeconds;
  return {
    status: 200,
    body: {
      token_type: "Bearer",
      expires_in: context.tokenLifetimeSeconds,
      ext_expires_in: context.tokenLifetimeSeconds,
      access_token: context.signer.issue({ aud: VAULT_RESOURCE, tid: tenant, appid: clientId, iat, exp }),
    },
  };
}

function entraError(status: number, error: string, code: number, description: string): EntraAnswer {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace("T", " ").replace("Z", "Z");
  return {
    status,
    errorCode: error,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}
