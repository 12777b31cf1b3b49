/**
 * ScoDoc's JSON error envelope: `{"error": <HTTP reason>, "status", "message"}`
 * with the same HTTP status.
 */
import type { Reply } from "../core/router";

const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  500: "Internal Server Error",
};

export function jsonError(status: number, message: string, headers?: Readonly<Record<string, string>>): Reply {
  return {
    status,
    body: { error: REASONS[status] ?? "Error", status, message },
    ...(headers ? { headers } : {}),
  };
}

/** Thrown by a view to answer with the envelope; the API wrapper turns it into a reply. */
export class ApiError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(status: number, message: string, headers?: Readonly<Record<string, string>>) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.headers = headers;
  }

  toReply(): Reply {
    return jsonError(this.status, this.message, this.headers);
  }
}

/** ScoDoc answers most validation failures, not only missing objects, with 404. */
export const notFound = (message: string): ApiError => new ApiError(404, message);
export const badRequest = (message: string): ApiError => new ApiError(400, message);
export const forbidden = (message: string): ApiError => new ApiError(403, message);
