import { lexicographicSortSchema, type GraphQLSchema } from "graphql";
import { createBuilder } from "../builder.js";
import type { ConnectorRegistry } from "../connectors/registry.js";
import { defineAccess } from "./access/access.js";
import { defineCommon } from "./common.js";
import { defineCostEstimate } from "./keystore/cost.js";
import { defineKeystoreObjects } from "./keystore/keystore.js";
import { defineKeystoreTypes } from "./keystore/keystore-types.js";
import { defineKeystoreOperations } from "./keystore/operations.js";
import { definePropertiesInput } from "./keystore/properties-input.js";
import { defineManagedKeys } from "./key/managed-key.js";
import { defineSubscriptions } from "./subscriptions.js";
import { defineKeyTemplates } from "./template/template.js";
import { defineVaults } from "./vault/vault.js";

/** The whole schema for a set of loaded connectors. */
export function buildSchema(registry: ConnectorRegistry): GraphQLSchema {
  const builder = createBuilder();
  const common = defineCommon(builder);
  const { Vault, resultNames } = defineVaults(builder, common);
  const objects = defineKeystoreObjects(builder, common, registry, Vault);
  defineKeystoreTypes(builder);
  defineCostEstimate(builder);
  defineKeystoreOperations(builder, common, registry, { ...objects, resultNames }, definePropertiesInput(builder, registry));
  const { KeyTemplate, KeyTemplateTarget } = defineKeyTemplates(builder, common, registry, Vault);
  const { ManagedKey } = defineManagedKeys(builder, common, { Vault, Keystore: objects.Keystore, KeyTemplate, KeyTemplateTarget, resultNames });
  defineSubscriptions(builder, { ManagedKey, Keystore: objects.Keystore });
  defineAccess(builder, common, { Vault, resultNames });
  return lexicographicSortSchema(builder.toSchema());
}
