import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canEndAfter } from "../src/templates/rules.js";
import { errorFields, providers, startTestGateway, type TestGateway } from "./harness.js";

const TEMPLATE_FIELDS = `
  id name description namingScheme namingSchemePlaceholders archived version targetRevision keysCount createdAt updatedAt
  vault { id name }
  key { algorithm size initialState activationPeriod expirationPeriod }
  targets { keystoreType keystoreGroup options { name value } }
`;
const IN_USE = `... on TemplateInUseError { keyCount templateName }`;

const CREATE = `mutation($input: CreateKeyTemplateInput!) { createKeyTemplate(input: $input) {
  ... on CreateKeyTemplateSuccess { keyTemplate { ${TEMPLATE_FIELDS} } }
  ${errorFields("ValidationError", "NotFoundError", "DuplicateNameError")} } }`;
const UPDATE = `mutation($input: UpdateKeyTemplateInput!) { updateKeyTemplate(input: $input) {
  ... on UpdateKeyTemplateSuccess { keyTemplate { ${TEMPLATE_FIELDS} } }
  ${errorFields("ValidationError", "NotFoundError", "VersionConflictError", "DuplicateNameError")} } }`;
const ARCHIVE = `mutation($input: ArchiveKeyTemplateInput!) { archiveKeyTemplate(input: $input) {
  ... on ArchiveKeyTemplateSuccess { keyTemplate { id archived version } } ${errorFields("NotFoundError", "VersionConflictError")} } }`;
const UNARCHIVE = `mutation($input: UnarchiveKeyTemplateInput!) { unarchiveKeyTemplate(input: $input) {
  ... on UnarchiveKeyTemplateSuccess { keyTemplate { id archived version } } ${errorFields("NotFoundError", "VersionConflictError")} } }`;
const DELETE = `mutation($input: DeleteKeyTemplateInput!) { deleteKeyTemplate(input: $input) {
  ... on DeleteKeyTemplateSuccess { keyTemplate { id name } } ${errorFields("NotFoundError", "VersionConflictError")} ${IN_USE} } }`;
const GET = `query($id: ID!) { keyTemplate(id: $id) { ${TEMPLATE_FIELDS} } }`;

const MISSING = "00000000-0000-4000-8000-000000000000";

type Input = Record<string, any>;

/** A copy of `base` with `over` merged in, nested objects merged too (arrays and nulls replace). */
function merge(base: Input, over: Input): Input {
  const out: Input = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = v && typeof v === "object" && !Array.isArray(v) && base[k] && typeof base[k] === "object" ? merge(base[k], v) : v;
  }
  return out;
}

describe("planned periods", () => {
  it("refuse an expiration that cannot end after the activation, whatever the month lengths", () => {
    expect(canEndAfter("P12M", "P1Y")).toBe(false);
    expect(canEndAfter("P1Y", "P1Y")).toBe(false);
    expect(canEndAfter("P1Y1D", "P1Y")).toBe(true);
    expect(canEndAfter("P1W", "P6D")).toBe(true);
    expect(canEndAfter("P1W", "P7D")).toBe(false);
    expect(canEndAfter("P1M", "P31D")).toBe(false);
    // Some months are 31 days: a month can end after 30 days.
    expect(canEndAfter("P1M", "P30D")).toBe(true);
    expect(canEndAfter("P27D", "P1M")).toBe(false);
    expect(canEndAfter("P0D", null)).toBe(false);
    expect(canEndAfter("P1D", null)).toBe(true);
  });
});

describe.each(await providers())("key templates on %s", (provider) => {
  let t: TestGateway;
  let vaultId: string;
  let otherVaultId: string;
  let n = 0;

  /** `target` (merged into reference/prod) is shorthand for a single target; `targets` gives the list as is. */
  const input = (over: Input = {}) => {
    const { target, ...rest } = merge(
      {
        vaultId,
        name: `tpl-${++n}`,
        key: { algorithm: "AES", size: "256", initialState: "ACTIVE" },
        namingScheme: "pay-<app>",
        target: { keystoreType: "reference", keystoreGroup: "prod" },
      },
      over,
    );
    return { targets: [target], ...rest };
  };
  const ref = (over: Input = {}) => ({ keystoreType: "reference", keystoreGroup: "prod", ...over });
  const aws = (over: Input = {}) => ({ keystoreType: "aws_kms", keystoreGroup: "prod", ...over });
  const create = async (over: Input = {}) => (await t.gql(CREATE, { input: input(over) })).data.createKeyTemplate;
  const update = async (over: Input) => (await t.gql(UPDATE, { input: over })).data.updateKeyTemplate;
  const get = async (id: string) => (await t.gql(GET, { id })).data.keyTemplate;
  /** Rows in the database, and what the API counts: both must stay put when a mutation fails. */
  const rows = async () => ({
    db: await t.gateway.database.db.keyTemplate.count(),
    api: (await t.gql(`{ keyTemplates { totalCount } }`)).data.keyTemplates.totalCount as number,
  });
  const paths = (result: { issues: { path: string[] }[] }) => result.issues.map((i) => i.path.join("."));
  const addKey = (template: { id: string; name: string }) =>
    t.gateway.database.db.managedKey.create({
      data: {
        vaultId,
        templateId: template.id,
        label: `key-of-${template.name}`,
        state: "PRE_ACTIVATION",
        algorithm: "AES",
        size: "256",
        nameInKeystores: `pay-${template.name}`,
        alignedRevision: 1,
      },
    });

  beforeAll(async () => {
    t = await startTestGateway(provider);
    const mk = async (name: string) => (await t.gql(`mutation { createVault(input: { name: "${name}" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    vaultId = await mk("Main");
    otherVaultId = await mk("Other");
  });
  afterAll(() => t?.close());

  it("creates a template for the reference type, with the type's option defaults", async () => {
    const result = await create({
      name: "Payments-1",
      description: "PCI keys",
      key: { initialState: "PRE_ACTIVATION", activationPeriod: "P1M", expirationPeriod: "P1Y6M" },
      namingScheme: "pay-<app>-<yyyy>",
    });
    expect(result.__typename).toBe("CreateKeyTemplateSuccess");
    const tpl = result.keyTemplate;
    expect(tpl).toMatchObject({
      name: "Payments-1",
      description: "PCI keys",
      namingScheme: "pay-<app>-<yyyy>",
      namingSchemePlaceholders: ["app"],
      archived: false,
      version: 1,
      targetRevision: 1,
      keysCount: 0,
      vault: { id: vaultId, name: "Main" },
      key: { algorithm: "AES", size: "256", initialState: "PRE_ACTIVATION", activationPeriod: "P1M", expirationPeriod: "P1Y6M" },
      targets: [{ keystoreType: "reference", keystoreGroup: "prod", options: [{ name: "reference_pending_window_days", value: "1" }] }],
    });
    expect(await get(tpl.id)).toEqual(tpl);
    expect(await get(MISSING)).toBeNull();
    expect(await get("not-a-uuid")).toBeNull();
  });

  it("creates a template for aws_kms, with given options converted by their value type", async () => {
    const result = await create({
      key: { algorithm: "EC", size: "secp256k1" },
      namingScheme: "payments/<app>_<yy><mm>",
      target: { keystoreType: "aws_kms", keystoreGroup: "eu west", options: [{ name: "aws_pending_window_days", value: "30" }] },
    });
    expect(result.__typename).toBe("CreateKeyTemplateSuccess");
    expect(result.keyTemplate.key).toMatchObject({ algorithm: "EC", size: "secp256k1", activationPeriod: null, expirationPeriod: null });
    expect(result.keyTemplate.targets).toEqual([{ keystoreType: "aws_kms", keystoreGroup: "eu west", options: [{ name: "aws_pending_window_days", value: "30" }] }]);
    const stored = await t.gateway.database.db.keyTemplateTarget.findMany({ where: { templateId: result.keyTemplate.id } });
    expect(stored.map((s) => ({ position: s.position, options: JSON.parse(s.options) }))).toEqual([{ position: 0, options: { aws_pending_window_days: 30 } }]);
    const defaults = await create({ target: { keystoreType: "aws_kms" } });
    expect(defaults.keyTemplate.targets[0].options).toEqual([{ name: "aws_pending_window_days", value: "7" }]);
  });

  it("describes each type's key naming rules and template options for a form", async () => {
    const types = (await t.gql(`{ keystoreTypes { type keyNaming { minLength maxLength pattern patternMessage reservedPrefixes }
      templateOptions { name valueType minimum maximum default identifying } } }`)).data.keystoreTypes;
    const aws = types.find((x: { type: string }) => x.type === "aws_kms");
    expect(aws.keyNaming).toMatchObject({ minLength: 1, maxLength: 250, reservedPrefixes: ["aws/"] });
    expect(aws.templateOptions).toEqual([{ name: "aws_pending_window_days", valueType: "INTEGER", minimum: 7, maximum: 30, default: "7", identifying: false }]);
    const reference = types.find((x: { type: string }) => x.type === "reference");
    expect(reference.keyNaming).toMatchObject({ minLength: 2, maxLength: 64, reservedPrefixes: [] });
  });

  const invalid: [string, Input, string, string?][] = [
    ["a name not starting with a letter", { name: "1tpl" }, "input.name", "INVALID_FORMAT"],
    ["a name over 30 characters", { name: `t${"x".repeat(30)}` }, "input.name", "TOO_BIG"],
    ["a description over 200 characters", { description: "d".repeat(201) }, "input.description", "TOO_BIG"],
    ["a vault id that is not a UUID", { vaultId: "vault-1" }, "input.vaultId", "INVALID_ID"],
    ["a size aws_kms cannot hold", { key: { size: "128" }, target: { keystoreType: "aws_kms" } }, "input.targets.0.keystoreType", "UNSUPPORTED_SIZE"],
    ["a size the reference type cannot hold", { key: { algorithm: "HMAC", size: "512" } }, "input.targets.0.keystoreType", "UNSUPPORTED_SIZE"],
    ["a size the second target's type cannot hold", { key: { size: "128" }, targets: [ref(), aws()] }, "input.targets.1.keystoreType", "UNSUPPORTED_SIZE"],
    ["an unknown keystore type", { targets: [ref(), aws({ keystoreType: "azure_key_vault" })] }, "input.targets.1.keystoreType", "UNKNOWN_KEYSTORE_TYPE"],
    ["the same type and group twice", { targets: [ref(), aws(), ref()] }, "input.targets.2.keystoreGroup", "DUPLICATE"],
    ["no target", { targets: [] }, "input.targets", "TOO_SMALL"],
    ["nine targets", { targets: Array.from({ length: 9 }, (_, i) => ref({ keystoreGroup: `g${i}` })) }, "input.targets", "TOO_BIG"],
    ["a bad group in the second target", { targets: [ref(), aws({ keystoreGroup: "p" })] }, "input.targets.1.keystoreGroup", "TOO_SMALL"],
    ["fixed text longer than the second target's type allows", { namingScheme: `${"k".repeat(63)}<app>`, targets: [aws(), ref()] }, "input.namingScheme", "KEY_NAME_RULES"],
    ["a bad option of the second target", { targets: [ref(), aws({ options: [{ name: "aws_pending_window_days", value: "31" }] })] }, "input.targets.1.options.0.value", "RANGE"],
    ["a malformed size", { key: { size: "25 6" } }, "input.key.size", "INVALID_FORMAT"],
    ["a period that is not ISO 8601", { key: { activationPeriod: "1Y" } }, "input.key.activationPeriod", "INVALID_FORMAT"],
    ["an empty period", { key: { expirationPeriod: "P" } }, "input.key.expirationPeriod", "CUSTOM"],
    ["an expiration before the activation", { key: { activationPeriod: "P1Y", expirationPeriod: "P11M4W" } }, "input.key.expirationPeriod", "OUT_OF_RANGE"],
    ["a group of one character", { target: { keystoreGroup: "p" } }, "input.targets.0.keystoreGroup", "TOO_SMALL"],
    ["an unclosed placeholder", { namingScheme: "pay-<app" }, "input.namingScheme", "SYNTAX"],
    ["a placeholder with a space", { namingScheme: "pay-<my app>" }, "input.namingScheme", "PATTERN"],
    ["fixed text aws_kms reserves", { namingScheme: "aws/<app>", target: { keystoreType: "aws_kms" } }, "input.namingScheme", "KEY_NAME_RULES"],
    ["fixed text the reference type does not allow", { namingScheme: "pay.<app>" }, "input.namingScheme", "KEY_NAME_RULES"],
    ["fixed text longer than the type allows", { namingScheme: `${"k".repeat(63)}<app>` }, "input.namingScheme", "KEY_NAME_RULES"],
    ["an unknown option", { target: { options: [{ name: "aws_pending_window_days", value: "7" }] } }, "input.targets.0.options.0.name", "UNKNOWN"],
    ["an option out of range", { target: { keystoreType: "aws_kms", options: [{ name: "aws_pending_window_days", value: "6" }] } }, "input.targets.0.options.0.value", "RANGE"],
    ["an option of the wrong type", { target: { options: [{ name: "reference_pending_window_days", value: "seven" }] } }, "input.targets.0.options.0.value", "TYPE"],
    [
      "an option given twice",
      { target: { options: [{ name: "reference_pending_window_days", value: "2" }, { name: "reference_pending_window_days", value: "3" }] } },
      "input.targets.0.options.1.name",
      "DUPLICATE",
    ],
  ];

  it.each(invalid)("refuses %s, naming the field, and saves nothing", async (_, over, path, code) => {
    const before = await rows();
    const result = await create(over);
    expect(result.__typename).toBe("ValidationError");
    expect(result.code).toBe("VALIDATION_FAILED");
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ path: path.split("."), code });
    expect(await rows()).toEqual(before);
  });

  it("names every bad field of one request at once", async () => {
    const before = await rows();
    const result = await create({ name: "-", description: "d".repeat(201), key: { size: "128", expirationPeriod: "soon" }, namingScheme: "<a", target: { keystoreType: "aws_kms" } });
    expect(paths(result)).toEqual(["input.name", "input.description", "input.key.expirationPeriod", "input.targets.0.keystoreType", "input.namingScheme"]);
    const size = result.issues.find((i: { code: string }) => i.code === "UNSUPPORTED_SIZE");
    expect(size.message).toContain('Target aws_kms keystores in group "prod"');
    expect(size.message).toContain("AES keys of size 256 only");
    expect(size.message).toContain("RSA 2048/3072/4096");
    expect(await rows()).toEqual(before);
  });

  it("refuses an unknown vault and an unknown keystore type, naming the loaded ones, and saves nothing", async () => {
    const before = await rows();
    expect(await create({ vaultId: MISSING })).toMatchObject({ __typename: "NotFoundError", resource: "vault", id: MISSING, path: ["input", "vaultId"] });
    const unknown = await create({ target: { keystoreType: "azure_key_vault" } });
    expect(unknown).toMatchObject({ __typename: "ValidationError", issues: [{ path: ["input", "targets", "0", "keystoreType"], code: "UNKNOWN_KEYSTORE_TYPE" }] });
    expect(unknown.issues[0].message).toMatch(/"azure_key_vault" is loaded \(loaded: .*aws_kms/);
    expect(await rows()).toEqual(before);
  });

  it("creates a template with several targets, in order, each with its type's options, and lists it under each", async () => {
    const result = await create({
      name: "Multi-1",
      targets: [ref({ options: [{ name: "reference_pending_window_days", value: "3" }] }), aws({ keystoreGroup: "eu" }), aws({ keystoreGroup: "us" })],
    });
    expect(result.__typename).toBe("CreateKeyTemplateSuccess");
    expect(result.keyTemplate.targets).toEqual([
      { keystoreType: "reference", keystoreGroup: "prod", options: [{ name: "reference_pending_window_days", value: "3" }] },
      { keystoreType: "aws_kms", keystoreGroup: "eu", options: [{ name: "aws_pending_window_days", value: "7" }] },
      { keystoreType: "aws_kms", keystoreGroup: "us", options: [{ name: "aws_pending_window_days", value: "7" }] },
    ]);
    expect(await get(result.keyTemplate.id)).toEqual(result.keyTemplate);
    const named = async (filter: Input) =>
      (await t.gql(`query($filter: KeyTemplateFilter) { keyTemplates(filter: $filter) { nodes { name } } }`, { filter: { vaultId, namePrefix: "Multi-", ...filter } })).data.keyTemplates.nodes;
    expect(await named({ keystoreType: "reference" })).toEqual([{ name: "Multi-1" }]);
    expect(await named({ keystoreType: "aws_kms", keystoreGroup: "us" })).toEqual([{ name: "Multi-1" }]);
    // Both conditions hold for one target, not across two.
    expect(await named({ keystoreType: "reference", keystoreGroup: "us" })).toEqual([]);
  });

  it("edits the groups and options of several targets, keeps their types and number, and raises targetRevision once", async () => {
    const { id } = (await create({ name: "Multi-2", targets: [ref(), aws({ keystoreGroup: "eu" })] })).keyTemplate;
    const moved = (await update({ id, expectedVersion: 1, targets: [ref(), aws({ keystoreGroup: "us", options: [{ name: "aws_pending_window_days", value: "9" }] })] })).keyTemplate;
    expect(moved).toMatchObject({ version: 2, targetRevision: 2 });
    expect(moved.targets[1]).toEqual({ keystoreType: "aws_kms", keystoreGroup: "us", options: [{ name: "aws_pending_window_days", value: "9" }] });
    expect(moved.targets[0]).toMatchObject({ keystoreType: "reference", keystoreGroup: "prod" });
    const refused = await update({ id, expectedVersion: 2, targets: [aws({ keystoreGroup: "us" }), ref()] });
    expect(paths(refused)).toEqual(["input.targets.0.keystoreType", "input.targets.1.keystoreType"]);
    expect(refused.issues.map((i: { code: string }) => i.code)).toEqual(["IMMUTABLE", "IMMUTABLE"]);
    const fewer = await update({ id, expectedVersion: 2, targets: [ref()] });
    expect(fewer).toMatchObject({ __typename: "ValidationError", issues: [{ path: ["input", "targets"], code: "IMMUTABLE" }] });
    expect(await get(id)).toMatchObject({ version: 2, targetRevision: 2 });
  });

  it("refuses a (type, group) pair twice on edit, and lets two targets of one type swap groups", async () => {
    const { id } = (await create({ name: "Multi-3", targets: [aws({ keystoreGroup: "eu" }), aws({ keystoreGroup: "us" })] })).keyTemplate;
    const dup = await update({ id, expectedVersion: 1, targets: [aws({ keystoreGroup: "us" }), aws({ keystoreGroup: "us" })] });
    expect(dup).toMatchObject({ __typename: "ValidationError", issues: [{ path: ["input", "targets", "1", "keystoreGroup"], code: "DUPLICATE" }] });
    const swapped = (await update({ id, expectedVersion: 1, targets: [aws({ keystoreGroup: "us" }), aws({ keystoreGroup: "eu" })] })).keyTemplate;
    expect(swapped).toMatchObject({ version: 2, targetRevision: 2 });
    expect(swapped.targets.map((x: { keystoreGroup: string }) => x.keystoreGroup)).toEqual(["us", "eu"]);
  });

  it("refuses a name taken in the vault, and takes it in another vault", async () => {
    expect((await create({ name: "Shared" })).__typename).toBe("CreateKeyTemplateSuccess");
    const before = await rows();
    expect(await create({ name: "Shared", target: { keystoreType: "aws_kms" } })).toMatchObject({ __typename: "DuplicateNameError", name: "Shared" });
    expect(await rows()).toEqual(before);
    expect((await create({ name: "Shared", vaultId: otherVaultId })).keyTemplate.vault.name).toBe("Other");
    const renamed = await create({ name: "Shared-2" });
    expect(await update({ id: renamed.keyTemplate.id, expectedVersion: 1, name: "Shared" })).toMatchObject({ __typename: "DuplicateNameError", name: "Shared" });
    expect((await get(renamed.keyTemplate.id)).name).toBe("Shared-2");
  });

  it("refuses a stale version and changes nothing", async () => {
    const { id } = (await create()).keyTemplate;
    expect((await update({ id, expectedVersion: 1, description: "first" })).keyTemplate).toMatchObject({ description: "first", version: 2 });
    const stale = await update({ id, expectedVersion: 1, description: "second", targets: [ref({ keystoreGroup: "other" })] });
    expect(stale).toMatchObject({ __typename: "VersionConflictError", expectedVersion: 1, currentVersion: 2 });
    expect(await get(id)).toMatchObject({ description: "first", version: 2, targetRevision: 1, targets: [{ keystoreGroup: "prod" }] });
    for (const mutation of [ARCHIVE, UNARCHIVE, DELETE]) {
      const result = Object.values((await t.gql(mutation, { input: { id, expectedVersion: 1 } })).data)[0];
      expect(result).toMatchObject({ __typename: "VersionConflictError", currentVersion: 2 });
    }
    expect(await get(id)).toMatchObject({ archived: false, version: 2 });
    expect(await update({ id: MISSING, expectedVersion: 1, description: "x" })).toMatchObject({ __typename: "NotFoundError", resource: "key template", id: MISSING });
  });

  it("raises targetRevision when the group or options change, not for other edits", async () => {
    const { id } = (await create({ target: { keystoreType: "aws_kms" } })).keyTemplate;
    const described = (await update({ id, expectedVersion: 1, description: "new words", key: { initialState: "PRE_ACTIVATION", size: "256", expirationPeriod: "P2Y" } })).keyTemplate;
    expect(described).toMatchObject({ version: 2, targetRevision: 1, description: "new words", key: { initialState: "PRE_ACTIVATION", expirationPeriod: "P2Y" } });
    // The same group again is no change.
    expect((await update({ id, expectedVersion: 2, targets: [aws()] })).keyTemplate).toMatchObject({ version: 3, targetRevision: 1 });
    const regrouped = (await update({ id, expectedVersion: 3, targets: [aws({ keystoreGroup: "payments" })] })).keyTemplate;
    expect(regrouped).toMatchObject({ version: 4, targetRevision: 2, targets: [{ keystoreGroup: "payments" }] });
    const reoptioned = (await update({ id, expectedVersion: 4, targets: [aws({ keystoreGroup: "payments", options: [{ name: "aws_pending_window_days", value: "14" }] })] })).keyTemplate;
    expect(reoptioned).toMatchObject({ version: 5, targetRevision: 3, targets: [{ options: [{ name: "aws_pending_window_days", value: "14" }] }] });
    const sameOptions = (await update({ id, expectedVersion: 5, targets: [aws({ keystoreGroup: "payments", options: [{ name: "aws_pending_window_days", value: "14" }] })] })).keyTemplate;
    expect(sameOptions).toMatchObject({ version: 6, targetRevision: 3 });
    // A null period clears it.
    expect((await update({ id, expectedVersion: 6, key: { expirationPeriod: null } })).keyTemplate.key.expirationPeriod).toBeNull();
  });

  it("refuses to change the algorithm, keystore type or naming scheme, and bad edits, changing nothing", async () => {
    const created = (await create({ key: { activationPeriod: "P1Y" } })).keyTemplate;
    const id = created.id;
    const fixed = await update({
      id,
      expectedVersion: 1,
      description: "would change",
      key: { algorithm: "RSA" },
      namingScheme: "other-<app>",
      targets: [aws({ keystoreGroup: "other" })],
    });
    expect(fixed.__typename).toBe("ValidationError");
    expect(paths(fixed)).toEqual(["input.key.algorithm", "input.namingScheme", "input.targets.0.keystoreType"]);
    expect(fixed.issues.map((i: { code: string }) => i.code)).toEqual(["IMMUTABLE", "IMMUTABLE", "IMMUTABLE"]);
    expect(fixed.issues[0].message).toContain("fixed when the template is created");
    const bad = await update({
      id,
      expectedVersion: 1,
      name: "9lives",
      key: { size: "512", expirationPeriod: "P6M" },
      targets: [ref({ options: [{ name: "reference_pending_window_days", value: "31" }] })],
    });
    expect(paths(bad)).toEqual(["input.name", "input.key.expirationPeriod", "input.key.size", "input.targets.0.options.0.value"]);
    // Giving the current values is no change, and accepted.
    const same = await update({ id, expectedVersion: 1, key: { algorithm: "AES" }, namingScheme: "pay-<app>", targets: [ref()] });
    expect(same.keyTemplate).toMatchObject({ version: 2, targetRevision: 1 });
    expect(await get(id)).toEqual({ ...created, version: 2, updatedAt: same.keyTemplate.updatedAt });
  });

  it("archives a template: it cannot be edited until unarchived", async () => {
    const { id } = (await create()).keyTemplate;
    const archived = (await t.gql(ARCHIVE, { input: { id, expectedVersion: 1 } })).data.archiveKeyTemplate;
    expect(archived.keyTemplate).toEqual({ id, archived: true, version: 2 });
    const again = (await t.gql(ARCHIVE, { input: { id, expectedVersion: 2 } })).data.archiveKeyTemplate;
    expect(again.keyTemplate).toEqual({ id, archived: true, version: 2 });
    const refused = await update({ id, expectedVersion: 2, description: "edited" });
    expect(refused).toMatchObject({ __typename: "ValidationError", issues: [{ path: ["input", "id"], code: "TEMPLATE_ARCHIVED" }] });
    expect(await get(id)).toMatchObject({ description: "", version: 2, archived: true });
    const back = (await t.gql(UNARCHIVE, { input: { id, expectedVersion: 2 } })).data.unarchiveKeyTemplate;
    expect(back.keyTemplate).toEqual({ id, archived: false, version: 3 });
    expect((await update({ id, expectedVersion: 3, description: "edited" })).keyTemplate).toMatchObject({ description: "edited", version: 4 });
  });

  it("refuses to delete a template with keys, and deletes it once they are gone", async () => {
    const tpl = (await create()).keyTemplate;
    const key = await addKey(tpl);
    expect((await get(tpl.id)).keysCount).toBe(1);
    const refused = (await t.gql(DELETE, { input: { id: tpl.id, expectedVersion: 1 } })).data.deleteKeyTemplate;
    expect(refused).toMatchObject({ __typename: "TemplateInUseError", code: "TEMPLATE_IN_USE", keyCount: 1, templateName: tpl.name });
    expect(await get(tpl.id)).not.toBeNull();
    // Archived or not, keys keep it.
    await t.gql(ARCHIVE, { input: { id: tpl.id, expectedVersion: 1 } });
    expect((await t.gql(DELETE, { input: { id: tpl.id, expectedVersion: 2 } })).data.deleteKeyTemplate.__typename).toBe("TemplateInUseError");
    await t.gateway.database.db.managedKey.delete({ where: { id: key.id } });
    const deleted = (await t.gql(DELETE, { input: { id: tpl.id, expectedVersion: 2 } })).data.deleteKeyTemplate;
    expect(deleted.keyTemplate).toEqual({ id: tpl.id, name: tpl.name });
    expect(await get(tpl.id)).toBeNull();
    expect((await t.gql(DELETE, { input: { id: tpl.id, expectedVersion: 2 } })).data.deleteKeyTemplate.__typename).toBe("NotFoundError");
  });

  it("keeps a vault with templates from being deleted, archived ones too", async () => {
    const vault = (await t.gql(`mutation { createVault(input: { name: "Short-lived" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault;
    const tpl = (await create({ vaultId: vault.id, name: "Only-one" })).keyTemplate;
    await t.gql(ARCHIVE, { input: { id: tpl.id, expectedVersion: 1 } });
    const q = `mutation($id: ID!) { deleteVault(input: { id: $id, expectedVersion: 1 }) { ${errorFields("VaultNotEmptyError")} ... on VaultNotEmptyError { templateCount templateNames } } }`;
    const refused = (await t.gql(q, { id: vault.id })).data.deleteVault;
    expect(refused).toMatchObject({ __typename: "VaultNotEmptyError", keystoreCount: 0, keystoreNames: [], templateCount: 1, templateNames: ["Only-one"] });
    expect(refused.message).toBe('Vault "Short-lived" still contains 1 key template (Only-one); delete them first');
    await t.gql(DELETE, { input: { id: tpl.id, expectedVersion: 2 } });
    expect((await t.gql(q, { id: vault.id })).data.deleteVault.__typename).toBe("DeleteVaultSuccess");
  });

  it("filters by vault, name, algorithm, type, group and archived, and pages with totalCount", async () => {
    const vault = (await t.gql(`mutation { createVault(input: { name: "Listing" }) { ... on CreateVaultSuccess { vault { id } } } }`)).data.createVault.vault.id;
    const made = async (name: string, over: Input = {}) => (await create({ vaultId: vault, name, ...over })).keyTemplate;
    await made("a-aes");
    await made("b-rsa", { key: { algorithm: "RSA", size: "2048" } });
    await made("c-aws", { target: { keystoreType: "aws_kms", keystoreGroup: "eu" } });
    await made("d-ec", { key: { algorithm: "EC", size: "P-256" }, target: { keystoreType: "aws_kms" } });
    const old = await made("e-old");
    await t.gql(ARCHIVE, { input: { id: old.id, expectedVersion: 1 } });
    await made("x-other");

    const names = async (filter: Input, extra = "") =>
      (await t.gql(`query($filter: KeyTemplateFilter) { keyTemplates(filter: $filter${extra}) { totalCount nodes { name } } }`, { filter: { vaultId: vault, ...filter } })).data
        .keyTemplates;
    expect(await names({})).toEqual({ totalCount: 6, nodes: ["a-aes", "b-rsa", "c-aws", "d-ec", "e-old", "x-other"].map((name) => ({ name })) });
    expect((await names({ algorithm: "RSA" })).nodes).toEqual([{ name: "b-rsa" }]);
    expect((await names({ keystoreType: "aws_kms" })).nodes).toEqual([{ name: "c-aws" }, { name: "d-ec" }]);
    expect((await names({ keystoreType: "aws_kms", keystoreGroup: "eu" })).nodes).toEqual([{ name: "c-aws" }]);
    expect((await names({ archived: true })).nodes).toEqual([{ name: "e-old" }]);
    expect((await names({ archived: false })).totalCount).toBe(5);
    expect((await names({ namePrefix: "x-" })).nodes).toEqual([{ name: "x-other" }]);
    expect((await names({ algorithm: "AES", keystoreType: "reference", archived: false })).nodes).toEqual([{ name: "a-aes" }, { name: "x-other" }]);
    expect((await names({}, ", orderBy: { field: NAME, direction: DESC }, first: 2")).nodes).toEqual([{ name: "x-other" }, { name: "e-old" }]);
    expect((await names({ vaultId: otherVaultId, namePrefix: "a-" })).totalCount).toBe(0);

    const page = `query($after: String) { keyTemplates(first: 2, after: $after, filter: { vaultId: "${vault}" }) {
      totalCount nodes { name } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const p: any = (await t.gql(page, { after })).data.keyTemplates;
      expect(p.totalCount).toBe(6);
      expect(p.nodes.length).toBeLessThanOrEqual(2);
      expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...p.nodes.map((x: { name: string }) => x.name));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(seen).toEqual(["a-aes", "b-rsa", "c-aws", "d-ec", "e-old", "x-other"]);
  });
});
