// Writes gateway/schema.graphql from the builder (with the built-in connectors). A test fails when
// the committed file and the builder drift apart; run `npm run print-schema -w @uko/gateway` then.
import { writeFileSync } from "node:fs";
import { printDefaultSchema } from "../src/schema/print.js";

writeFileSync(new URL("../schema.graphql", import.meta.url), await printDefaultSchema());
console.log("wrote gateway/schema.graphql");
