/** Key material as the managed-key engine generates it: the conformance kit's generator. */
export { materialFor } from "@uko/connector-testkit";
