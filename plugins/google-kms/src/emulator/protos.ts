import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { loadPackageDefinition, type ServiceDefinition } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

/**
 * The Cloud KMS and IAM service definitions, from the protos the installed SDK ships (so the
 * emulator speaks exactly the wire format of the SDK version in use). `@google-cloud/kms` keeps
 * its protos in build/protos; the google/api, google/iam and google/type protos come with its
 * `google-gax` (resolved from the SDK, whose dependency it is).
 */
const require = createRequire(import.meta.url);
const kmsMain = require.resolve("@google-cloud/kms");
const gaxMain = createRequire(kmsMain).resolve("google-gax");
const KMS_PROTOS = join(dirname(kmsMain), "..", "protos");
const GAX_PROTOS = join(dirname(gaxMain), "..", "protos");

interface Services {
  readonly kms: ServiceDefinition;
  readonly iam: ServiceDefinition;
}

let loaded: Services | undefined;

export function services(): Services {
  if (loaded) return loaded;
  const definition = loadSync(["google/cloud/kms/v1/service.proto", "google/iam/v1/iam_policy.proto"], {
    includeDirs: [KMS_PROTOS, GAX_PROTOS],
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const root = loadPackageDefinition(definition) as any;
  loaded = {
    kms: root.google.cloud.kms.v1.KeyManagementService.service as ServiceDefinition,
    iam: root.google.iam.v1.IAMPolicy.service as ServiceDefinition,
  };
  return loaded;
}
