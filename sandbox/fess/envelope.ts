import { randomUUID } from "node:crypto";
import type { Reply } from "../core/router";

/** `ApiResult.Status`. */
export const FessStatus = {
  OK: 0,
  BAD_REQUEST: 1,
  SYSTEM_ERROR: 2,
  UNAUTHORIZED: 3,
  FAILED: 9,
} as const;
export type FessStatusCode = (typeof FessStatus)[keyof typeof FessStatus];

/** Texts of `fess_message.properties`, with `{item}` already replaced by its label. */
export const FessMessages = {
  unauthorized: "Unauthorized request.",
  required: (label: string) => `${label} is required.`,
  size: (label: string, max: number) => `The size of ${label} must be between 0 and ${max}.`,
  number: (label: string) => `${label} must be a number.`,
  notFound: (id: string) => `The data ${id} is not found.`,
  propertyTypeLong: (property: string) => `${property} must be a long.`,
  /** `errors.invalid_str_is_included`, reused for the attribute keys the sandbox refuses. */
  invalidStrIsIncluded: (where: string, what: string) => `"${what}" in "${where}" is invalid.`,
  failedToCreate: (detail: string) => `Failed to create a new data. (${detail})`,
  failedToUpdate: (detail: string) => `Failed to update the data. (${detail})`,
} as const;

/**
 * What the action answers instead of a result: LastaFlute's
 * `throwValidationErrorApi` (400, status 1) or an exception the failure hook
 * turns into an `error_code` (client 400 or server 500).
 */
export class FessApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly status: FessStatusCode,
    message: string,
  ) {
    super(message);
  }

  static validation(...messages: string[]): FessApiError {
    // Several messages reach the client as one string, joined by a space.
    return new FessApiError(400, FessStatus.BAD_REQUEST, messages.join(" "));
  }

  /** A body LastaFlute could not map: the hook hides the cause behind an error code. */
  static badRequest(): FessApiError {
    return new FessApiError(400, FessStatus.BAD_REQUEST, errorCode());
  }

  static systemError(): FessApiError {
    return new FessApiError(500, FessStatus.SYSTEM_ERROR, errorCode());
  }
}

function errorCode(): string {
  return `error_code:${randomUUID()}`;
}

/**
 * `{"response":{...}}`: the result's own fields first, then `version` and
 * `status` from the `ApiResponse` base class, as Gson orders them; nulls left
 * out and the whole pretty-printed, as Fess's JSON engine is configured.
 */
export function fessReply(
  httpStatus: number,
  productVersion: string,
  status: FessStatusCode,
  fields: Readonly<Record<string, unknown>>,
): Reply {
  const response = JSON.stringify({ response: { ...fields, version: productVersion, status } }, withoutNulls, 2);
  return { status: httpStatus, body: response, contentType: "application/json;charset=UTF-8" };
}

function withoutNulls(_key: string, value: unknown): unknown {
  return value === null ? undefined : value;
}
