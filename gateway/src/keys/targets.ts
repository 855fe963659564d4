import type { ConnectorDefinition, PropertyValues } from "@uko/connector-sdk";
import type { Db } from "../db/client.js";
import type { StoredTarget } from "../templates/targets.js";

/**
 * Where a managed key goes: the union, over its template's targets, of the vault's keystores of
 * the target's type in the target's group. Each keystore once, by name.
 */
export function targetKeystores(db: Db, template: { vaultId: string; targets: readonly StoredTarget[] }) {
  if (template.targets.length === 0) return Promise.resolve([]);
  return db.keystore.findMany({
    where: { vaultId: template.vaultId, OR: template.targets.map((t) => ({ type: t.keystoreType, groups: { some: { name: t.keystoreGroup } } })) },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
}

/**
 * The target whose options apply in a keystore: the first (by position) of the keystore's type
 * in one of its groups. A keystore no target matches any more (it left the group; the key is
 * unaligned until aligned) keeps the first target of its type.
 */
export function targetFor(targets: readonly StoredTarget[], keystore: { type: string; groups: readonly { name: string }[] }): StoredTarget | undefined {
  const ofType = [...targets].sort((a, b) => a.position - b.position).filter((t) => t.keystoreType === keystore.type);
  return ofType.find((t) => keystore.groups.some((g) => g.name === t.keystoreGroup)) ?? ofType[0];
}

/** A target's stored options over its type's declared defaults. */
export function optionsOf(connector: ConnectorDefinition | undefined, target: StoredTarget | undefined): PropertyValues {
  const defaults = Object.fromEntries((connector?.templateOptions ?? []).flatMap((o) => (o.default === undefined ? [] : [[o.name, o.default]])));
  return { ...defaults, ...(target ? (JSON.parse(target.options) as PropertyValues) : {}) };
}

/** The distinct keystore types of a template's targets, in target order. */
export function targetTypes(targets: readonly StoredTarget[]): string[] {
  return [...new Set(targets.map((t) => t.keystoreType))];
}
