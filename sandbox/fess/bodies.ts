import { FessApiError, FessMessages } from "./envelope";

/**
 * Request bodies as Fess binds and validates them: Gson reads only the
 * snake_case keys it knows (anything else, camelCase included, is silently
 * ignored), coerces scalars the way Gson does, and LastaFlute then checks
 * `@Required`, `@Size` and `@ValidateTypeFailure`.
 */

type FieldKind = "string" | "int" | "long" | "stringMap" | "stringArray";

interface FieldSpec {
  /** The JSON key: Gson's LOWER_CASE_WITH_UNDERSCORES name of the Java field. */
  readonly key: string;
  /** `labels.<property>`, which replaces `{item}` in the messages. */
  readonly label: string;
  readonly kind: FieldKind;
  readonly required?: boolean;
  readonly max?: number;
}

const F = {
  crudMode: { key: "crud_mode", label: "Crud Mode", kind: "int" },
  name: { key: "name", label: "Name", kind: "string", required: true, max: 100 },
  password: { key: "password", label: "Password", kind: "string", max: 100 },
  confirmPassword: { key: "confirm_password", label: "Confirm Password", kind: "string", max: 100 },
  attributes: { key: "attributes", label: "Attributes", kind: "stringMap" },
  roles: { key: "roles", label: "Roles", kind: "stringArray" },
  groups: { key: "groups", label: "Groups", kind: "stringArray" },
  id: { key: "id", label: "ID", kind: "string", required: true, max: 1000 },
  versionNo: { key: "version_no", label: "Version No", kind: "int", required: true },
  updatedBy: { key: "updated_by", label: "Updated By", kind: "string", max: 1000 },
  updatedTime: { key: "updated_time", label: "Updated Time", kind: "long" },
  size: { key: "size", label: "Size", kind: "int" },
  page: { key: "page", label: "Page", kind: "int" },
  searchId: { key: "id", label: "ID", kind: "string" },
} as const satisfies Record<string, FieldSpec>;

/** Roles and groups share one form; users have their own (`A/admin/{role,group,user}/*Form.java`). */
export type FormShape = "named" | "user";

// Superclass fields first: EditForm extends CreateForm.
const CREATE_FORMS: Record<FormShape, readonly FieldSpec[]> = {
  named: [F.crudMode, F.name, F.attributes],
  user: [F.crudMode, F.name, F.password, F.confirmPassword, F.attributes, F.roles, F.groups],
};
const EDIT_FORMS: Record<FormShape, readonly FieldSpec[]> = {
  named: [...CREATE_FORMS.named, F.id, F.versionNo, F.updatedBy, F.updatedTime],
  user: [...CREATE_FORMS.user, F.id, F.versionNo],
};
const SEARCH_FORM: readonly FieldSpec[] = [F.size, F.page, F.searchId];

export interface SearchBody {
  readonly size: number | undefined;
  readonly page: number | undefined;
  readonly id: string | undefined;
}

export interface CreateBody {
  readonly name: string;
  /** `new HashMap<>()` by default, so an absent key means "no attributes". */
  readonly attributes: Readonly<Record<string, string>>;
  readonly password: string | undefined;
  readonly roles: readonly string[] | undefined;
  readonly groups: readonly string[] | undefined;
}

export interface EditBody extends CreateBody {
  readonly id: string;
}

export function readSearchBody(raw: unknown): SearchBody {
  const form = bind(raw, SEARCH_FORM);
  return { size: form.number(F.size), page: form.number(F.page), id: form.string(F.searchId) };
}

export function readCreateBody(raw: unknown, shape: FormShape): CreateBody {
  return toCreateBody(bind(raw, CREATE_FORMS[shape]));
}

export function readEditBody(raw: unknown, shape: FormShape): EditBody {
  const form = bind(raw, EDIT_FORMS[shape]);
  return { ...toCreateBody(form), id: form.string(F.id) ?? "" };
}

function toCreateBody(form: BoundForm): CreateBody {
  return {
    name: form.string(F.name) ?? "",
    attributes: form.map(F.attributes) ?? {},
    password: form.string(F.password),
    roles: form.array(F.roles),
    groups: form.array(F.groups),
  };
}

type BoundValue = string | number | Record<string, string> | string[];

class BoundForm {
  constructor(private readonly values: ReadonlyMap<string, BoundValue>) {}

  string(field: FieldSpec): string | undefined {
    const value = this.values.get(field.key);
    return typeof value === "string" ? value : undefined;
  }

  number(field: FieldSpec): number | undefined {
    const value = this.values.get(field.key);
    return typeof value === "number" ? value : undefined;
  }

  map(field: FieldSpec): Record<string, string> | undefined {
    const value = this.values.get(field.key);
    return typeof value === "object" && !Array.isArray(value) ? value : undefined;
  }

  array(field: FieldSpec): string[] | undefined {
    const value = this.values.get(field.key);
    return Array.isArray(value) ? value : undefined;
  }
}

/**
 * Binds then validates. A value Gson cannot read at all (an object where a
 * string is expected, say) fails the whole mapping, which Fess answers with an
 * opaque error code; a number it cannot read into a `@ValidateTypeFailure`
 * field becomes a validation message instead.
 */
function bind(raw: unknown, fields: readonly FieldSpec[]): BoundForm {
  if (raw === undefined || raw === null) raw = {};
  if (!isPlainObject(raw)) throw FessApiError.badRequest();
  const values = new Map<string, BoundValue>();
  const messages: string[] = [];
  for (const field of fields) {
    const input = Object.hasOwn(raw, field.key) ? raw[field.key] : undefined;
    if (input === undefined || input === null) {
      if (field.required) messages.push(FessMessages.required(field.label));
      continue;
    }
    const value = read(field, input);
    if (value === TYPE_FAILURE) {
      messages.push(FessMessages.number(field.label));
      continue;
    }
    if (field.required && typeof value === "string" && value.trim() === "") {
      messages.push(FessMessages.required(field.label));
    }
    if (field.max !== undefined && typeof value === "string" && value.length > field.max) {
      messages.push(FessMessages.size(field.label, field.max));
    }
    values.set(field.key, value);
  }
  if (messages.length > 0) throw FessApiError.validation(...messages);
  return new BoundForm(values);
}

const TYPE_FAILURE = Symbol("type failure");

function read(field: FieldSpec, input: unknown): BoundValue | typeof TYPE_FAILURE {
  switch (field.kind) {
    case "string":
      return gsonString(input);
    case "int":
      return gsonInteger(input, 2 ** 31) ?? TYPE_FAILURE;
    case "long":
      return gsonInteger(input, 2 ** 63) ?? TYPE_FAILURE;
    case "stringMap": {
      if (!isPlainObject(input)) throw FessApiError.badRequest();
      // A null value never comes back: nulls are dropped when Fess writes JSON.
      // fromEntries, unlike assignment, keeps a key named `__proto__` as data.
      const entries = Object.entries(input).filter(([, value]) => value !== null);
      return Object.fromEntries(entries.map(([key, value]) => [key, gsonString(value)]));
    }
    case "stringArray":
      if (!Array.isArray(input)) throw FessApiError.badRequest();
      return input.filter((v) => v !== null).map(gsonString);
  }
}

/** Gson reads a number or a boolean into a String field as its text; anything else fails the mapping. */
function gsonString(input: unknown): string {
  if (typeof input === "string") return input;
  if (typeof input === "number" || typeof input === "boolean") return String(input);
  throw FessApiError.badRequest();
}

/**
 * Gson's `nextInt`/`nextLong`: a number, or a string holding one, whose value
 * is integral and in range (so `5.0` and `"5"` are read as 5, `1.5` is not).
 */
function gsonInteger(input: unknown, bound: number): number | undefined {
  let value: number;
  if (typeof input === "number") value = input;
  else if (typeof input === "string" && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(input.trim())) value = Number(input);
  else return undefined;
  return Number.isInteger(value) && value >= -bound && value < bound ? value : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
