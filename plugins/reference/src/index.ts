export { default } from "./connector.js";
export { SIMULATIONS, referenceVersioned } from "./connector.js";
export { referenceBackend } from "./backend.js";
