import { setTimeout as delay } from "node:timers/promises";
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from "@grpc/grpc-js";
import type { FaultPlan, SettableClock } from "@uko/emulator-kit";
import type { ServiceAccounts } from "./auth.js";
import { KmsStatusError } from "./errors.js";
import { authorize, METHODS, testIamPermissions, type CallContext } from "./operations.js";
import { services } from "./protos.js";
import type { KmsState } from "./state.js";
import type { EmulatorServiceAccount, Fault, RequestRecord } from "./types.js";

/**
 * The gRPC side: KeyManagementService and IAMPolicy on one TLS port, as cloudkms.googleapis.com
 * serves them. Each call goes through injected faults, then the bearer JWT, then the method's
 * permission, then the method. Methods the emulator does not model answer UNIMPLEMENTED.
 */
export interface ServerContext {
  readonly state: KmsState;
  readonly accounts: ServiceAccounts;
  readonly clock: SettableClock;
  readonly faults: FaultPlan<Fault>;
  readonly log: RequestRecord[];
  /** Aborted by close(): ends latency waits and hung calls. */
  readonly closing: AbortSignal;
}

export async function startGrpcServer(context: ServerContext, tls: { certPem: string; keyPem: string }, host: string, port: number): Promise<{ server: Server; port: number }> {
  const { kms, iam } = services();
  const server = new Server();
  const kmsImpl: UntypedServiceImplementation = {};
  for (const name of Object.keys(kms)) {
    kmsImpl[name] = handler(context, name, (request, ctx) => {
      const spec = METHODS[name];
      if (!spec) throw new KmsStatusError(status.UNIMPLEMENTED, `The emulator does not implement ${name}.`);
      authorize(spec, request, ctx.account);
      return spec.run(request, ctx);
    });
  }
  const iamImpl: UntypedServiceImplementation = {};
  for (const name of Object.keys(iam)) {
    iamImpl[name] = handler(context, name, (request, ctx) => {
      if (name !== "TestIamPermissions") throw new KmsStatusError(status.UNIMPLEMENTED, `The emulator does not implement ${name}.`);
      return testIamPermissions(request, ctx);
    });
  }
  server.addService(kms, kmsImpl);
  server.addService(iam, iamImpl);
  const credentials = ServerCredentials.createSsl(null, [{ private_key: Buffer.from(tls.keyPem), cert_chain: Buffer.from(tls.certPem) }], false);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host.includes(":") ? `[${host}]` : host}:${port}`, credentials, (error, p) => (error ? reject(error) : resolve(p))),
  );
  return { server, port: bound };
}

type Run = (request: unknown, context: CallContext) => object | Promise<object>;

function handler(context: ServerContext, method: string, run: Run) {
  return (call: ServerUnaryCall<unknown, object>, callback: sendUnaryData<object>): void => {
    void handle(context, method, run, call).then(
      (result) => {
        if (result === undefined) return; // hung: no answer
        if (result instanceof KmsStatusError) callback({ code: result.code, details: result.details });
        else callback(null, result);
      },
      () => callback({ code: status.INTERNAL, details: "The emulator failed." }),
    );
  };
}

async function handle(context: ServerContext, method: string, run: Run, call: ServerUnaryCall<unknown, object>): Promise<object | KmsStatusError | undefined> {
  const record: { method: string; caller?: string; code?: number } = { method };
  const finish = <T extends object | KmsStatusError | undefined>(result: T): T => {
    if (result instanceof KmsStatusError) record.code = result.code;
    else if (result !== undefined) record.code = status.OK;
    context.log.push({ ...record });
    return result;
  };
  const decision = context.faults.take(method);
  if (decision.latencyMs > 0) await delay(decision.latencyMs, undefined, { signal: context.closing }).catch(() => undefined);
  switch (decision.outcome?.kind) {
    case "unavailable":
      return finish(new KmsStatusError(status.UNAVAILABLE, "The service is currently unavailable."));
    case "resource_exhausted":
      return finish(new KmsStatusError(status.RESOURCE_EXHAUSTED, "Quota exceeded for quota metric 'Cryptographic requests' of service 'cloudkms.googleapis.com'."));
    case "internal":
      return finish(new KmsStatusError(status.INTERNAL, "Internal error encountered."));
    case "deadline_exceeded":
      return finish(new KmsStatusError(status.DEADLINE_EXCEEDED, "Deadline exceeded."));
    case "hang":
      return finish(undefined);
  }
  let account: EmulatorServiceAccount;
  const now = context.clock.now();
  try {
    const authorization = call.metadata.get("authorization")[0];
    // The JWT is signed with the caller's real clock; the settable clock is the keys' lifecycle.
    account = context.accounts.authenticate(typeof authorization === "string" ? authorization : undefined, Date.now());
  } catch (error) {
    return finish(asStatus(error));
  }
  record.caller = account.email;
  try {
    context.state.sweep(now, true);
    return finish(await run(call.request, { account, state: context.state, now }));
  } catch (error) {
    return finish(asStatus(error));
  }
}

function asStatus(error: unknown): KmsStatusError {
  if (error instanceof KmsStatusError) return error;
  return new KmsStatusError(status.INTERNAL, `The emulator failed: ${error instanceof Error ? error.message : String(error)}`);
}
