export { default } from "./key-protect.js";
export { default as hpcs } from "./hpcs.js";
export { ibmConnector } from "./definition.js";
export { unwrapImport, wrapForImport, type NonceCipher } from "./import-wrap.js";
