import pino, { type DestinationStream, type Logger } from "pino";
import type { ConnectorLogger } from "@uko/connector-sdk";

/** Structured JSON logs. Nothing logs property values; connectors get a redacting view on top. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: "uko-gateway" } }, destination);
}

export function asConnectorLogger(logger: Logger): ConnectorLogger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
