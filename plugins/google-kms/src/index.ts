export { default } from "./connector.js";
export { GOOGLE_PERMISSIONS, GOOGLE_ROLES } from "./permissions.js";
export { DESTROY_SCHEDULED_DAYS } from "./key-operations.js";
