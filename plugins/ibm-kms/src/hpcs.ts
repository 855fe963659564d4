import { ibmConnector } from "./definition.js";

/** `UKO_CONNECTORS=@uko/connector-ibm-kms/hpcs`: keystores in another HPCS instance (type ibm_hpcs). */
export default ibmConnector("hpcs");
