export { default } from "./connector.js";
export { iamPolicy, AWS_PERMISSIONS } from "./permissions.js";
export { PENDING_WINDOW_DAYS } from "./key-operations.js";
