/**
 * A local Fess: the admin REST API for roles, groups and users
 * (`/api/admin/{role,group,user}`), built from shared/reference/apis/fess.md.
 *
 * The client URL is the server root. Authenticate with the sandbox's token
 * (`Authorization: Bearer <token>` or the raw token). The state also holds a
 * token without `admin-api`, named `sandbox-guest` in `accessTokens`, which the
 * `underPrivilegedToken` op returns; `addAccessToken` makes others (expired ones
 * too), `verifyPassword` checks a user's password, which the API never shows.
 *
 * INFERRED: what the reference could only read from code, and what the sandbox
 * had to choose where the reference is silent.
 *  From the reference's own INFERRED notes:
 *  - List paging is read from the JSON body only; query parameters are ignored.
 *  - `/settings` takes any verb (here GET, POST, PUT, DELETE, PATCH).
 *  - A user create without `password` is HTTP 500, status 2, `error_code:<uuid>`.
 *  - `page * size` beyond `index.max_result_window` (10000) is HTTP 500, status 2.
 *  - Create with an existing name overwrites that record and answers `created: true`.
 *  - An update that leaves out attributes, roles or groups clears them.
 *  - A value in a `long`-mapped attribute (group `gidNumber`, user `uidNumber` and
 *    `gidNumber`) that OpenSearch cannot coerce fails the store: 400, status 1,
 *    `Failed to create a new data. (...)` or `Failed to update the data. (...)`,
 *    the detail worded like OpenSearch's mapper error.
 *  - Attribute keys that would overwrite a real field (`name`; for users also
 *    `password`, `roles`, `groups`) are refused, which Fess does not do, with
 *    `errors.invalid_str_is_included`: `"password" in "attributes" is invalid.`
 *  - Messages are English whatever the Accept-Language.
 *  Chosen by the sandbox:
 *  - The token is checked before the body is read: a bad token with a broken
 *    body answers 200, status 3.
 *  - Unknown paths, and known paths with a verb they lack, answer Fess's 404
 *    page (text/html), without the envelope and without checking the token.
 *  - Malformed JSON, a body that is not an object, or a value Gson cannot read
 *    into its field (an object for a string, attributes not an object, roles not
 *    an array) is a client error: 400, status 1, `error_code:<uuid>`. An empty
 *    body and a JSON `null` both bind to the defaults.
 *  - A non-integral or non-numeric value in `crud_mode`, `version_no`,
 *    `updated_time`, `size` or `page` answers `<Label> must be a number.`.
 *  - Labels other than Name, ID and Version No are guessed: Password, Confirm
 *    Password, Updated By, Updated Time, Crud Mode, Size, Page.
 *  - Several validation messages come in field order, CreateForm's fields first.
 *  - Only the first bad `long` attribute is reported, `uidNumber` before `gidNumber`;
 *    the check drops `,` grouping separators (DfTypeUtil with an English locale);
 *    a blank value passes and is stored as given.
 *  - Null attribute values and null array items are dropped. A number sent where
 *    a string is expected is kept as JavaScript prints it (`1.0` becomes "1").
 *  - `roles`/`groups` never written are omitted from answers; `[]` stays `[]`,
 *    and a cascade that removes a user's last role leaves `[]`.
 *  - Records of equal name are listed by id.
 *  - Answers are `application/json;charset=UTF-8`, pretty-printed.
 *  - Product versions are "15.7" (the reference's baseline) and "14.19".
 *  - The seeded admin user has attributes `{"surname":"admin"}` and password
 *    `admin`; passwords are kept as salted SHA-256, never as Fess's bcrypt.
 */
import { Sandbox, type SandboxDefinition, type SandboxOptions } from "../core/server";
import type { Reply } from "../core/router";
import { fessOps } from "./ops";
import { fessRouter } from "./routes";
import { generateAccessToken, seedFessState, type FessState } from "./state";

export type { FessAccessToken, FessNamedRecord, FessState, FessUserRecord } from "./state";
export { UNDER_PRIVILEGED_TOKEN_NAME, fessId } from "./state";

export type FessMajorVersion = "14" | "15";

export interface FessSandboxOptions extends SandboxOptions {
  /** "14" plays Fess 14.x: PUT creates and POST updates. Default "15". */
  readonly version?: FessMajorVersion;
}

export const FESS_PRODUCT_VERSIONS: Readonly<Record<FessMajorVersion, string>> = { "14": "14.19", "15": "15.7" };

// What the servlet container shows for a path no action takes: Fess's error page, not JSON.
const NOT_FOUND_PAGE: Reply = {
  status: 404,
  body: "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Page Not Found</h1></body></html>\n",
  contentType: "text/html;charset=UTF-8",
};

export function createFessSandbox(options: FessSandboxOptions = {}): Sandbox<FessState> {
  const adminToken = options.credentials?.token ?? generateAccessToken();
  // Drawn once, so that a reset keeps the token a test has already read.
  const underPrivilegedToken = generateAccessToken();
  const version = options.version ?? "15";
  const definition: SandboxDefinition<FessState> = {
    app: "fess",
    seed: () => seedFessState(underPrivilegedToken),
    router: fessRouter({ major: version === "14" ? 14 : 15, productVersion: FESS_PRODUCT_VERSIONS[version], adminToken }),
    notFound: () => NOT_FOUND_PAGE,
    ops: fessOps,
  };
  return new Sandbox(definition, { ...options, credentials: { ...options.credentials, token: adminToken } });
}
