export { default } from "./connector.js";
export { KEK_NAME } from "./kek.js";
export { AZURE_PERMISSIONS, accessPolicyCommand } from "./permissions.js";
