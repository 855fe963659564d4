import { ibmConnector } from "./definition.js";

/** `UKO_CONNECTORS=@uko/connector-ibm-kms/key-protect`: IBM Key Protect keystores (type ibm_key_protect). */
export default ibmConnector("key_protect");
