import type { Builder } from "../../builder.js";
import { UnknownKeystoreTypeError, ValidationError } from "../../errors.js";
import { estimateCost, type CostEstimate, type Money } from "../../keystores/cost.js";

/** `keystoreCostEstimate`: what connecting one more keystore would cost, before connecting it. */
export function defineCostEstimate(builder: Builder) {
  const MoneyRef = builder.objectRef<Money>("Money").implement({
    description: "An amount in a currency.",
    fields: (t) => ({
      amount: t.exposeFloat("amount", { description: "Rounded to the currency's minor unit." }),
      currency: t.exposeString("currency", { description: "ISO 4217 code." }),
    }),
  });
  const Estimate = builder.objectRef<CostEstimate & { type: string }>("KeystoreCostEstimate").implement({
    description: "The cost of connecting one more keystore, by the configured price list.",
    fields: (t) => ({
      type: t.exposeString("type", { description: "The keystore type asked about." }),
      country: t.exposeString("country", { description: "ISO 3166-1 alpha-2 code of the country or location." }),
      currency: t.exposeString("currency", { description: "The currency of the amounts." }),
      free: t.exposeBoolean("free", { description: "Whether this keystore falls within the free external keystores." }),
      existingExternalKeystores: t.exposeInt("existingExternalKeystores", { description: "External keystores connected now, in the vaults you can read (all of them for the administrator)." }),
      freeExternalKeystores: t.exposeInt("freeExternalKeystores", { description: "How many external keystores are free." }),
      keystoreMonthly: t.field({ type: MoneyRef, description: "What this keystore adds each month.", resolve: (e) => e.keystoreMonthly }),
      baseHourly: t.field({ type: MoneyRef, description: "The base charge per hour while any external keystore is connected.", resolve: (e) => e.baseHourly }),
      startsBaseCharge: t.exposeBoolean("startsBaseCharge", { description: "Whether connecting it starts the base charge." }),
      estimatedMonthlyTotal: t.field({ type: MoneyRef, description: "Base charge over 30 days plus this keystore's monthly price.", resolve: (e) => e.estimatedMonthlyTotal }),
      explanation: t.exposeString("explanation", { description: "The estimate in words." }),
    }),
  });
  const Input = builder.inputType("KeystoreCostEstimateInput", {
    description: "The keystore you are about to connect.",
    fields: (t) => ({
      type: t.string({ required: true, description: "Keystore type, e.g. aws_kms." }),
      country: t.string({ required: true, description: "ISO 3166-1 alpha-2 code of the country or location whose currency to use, e.g. DE." }),
    }),
  });
  builder.queryFields((t) => ({
    keystoreCostEstimate: t.field({
      type: Estimate,
      description: "Whether connecting one more keystore would be free, and what it would cost, in the chosen country's currency.",
      args: { input: t.arg({ type: Input, required: true, description: "The keystore." }) },
      errors: {
        types: [ValidationError, UnknownKeystoreTypeError],
        result: { name: "KeystoreCostEstimateSuccess", description: "The estimate." },
        union: { name: "KeystoreCostEstimateResult", description: "The estimate, or why there is none." },
        dataField: { name: "estimate", description: "The estimate." },
      },
      resolve: async (_, { input }, ctx) => {
        if (!ctx.services.registry.get(input.type)) throw new UnknownKeystoreTypeError(input.type);
        // Only what the caller may read is counted: a count over every vault would tell a vault
        // role how many keystores other vaults hold. The administrator's count is the instance's.
        const visible = ctx.actor.vaultsWith("read");
        const existing = await ctx.services.db.keystore.count(visible ? { where: { vaultId: { in: visible } } } : undefined);
        const estimate = estimateCost(ctx.services.prices, input.country, existing);
        if (!estimate) {
          const known = Object.keys(ctx.services.prices.countries).join(", ");
          throw new ValidationError([{ path: ["input", "country"], message: `No prices for "${input.country}"; known: ${known}`, code: "UNKNOWN_COUNTRY" }]);
        }
        return { ...estimate, type: input.type };
      },
    }),
  }));
}
