/**
 * The value the engine puts where an input is not known yet during a
 * preview: the inputs of `check` and `diff` may hold it anywhere.
 *
 * @internal
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
