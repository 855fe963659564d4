export { default } from "./connector.js";
export { SIMULATIONS } from "./connector.js";
export { referenceBackend } from "./backend.js";
