/**
 * Something the operator should know that is not an error: one line on the
 * provider's stderr, which the engine shows among the run's diagnostics (it
 * forwards a dynamic provider's output as info messages). Scrubbed of every
 * known secret, as everything the package prints.
 *
 * @internal
 */
import { scrub } from "./secrets";

export function notice(message: string): void {
  process.stderr.write(`${scrub(`pulumi-access-as-code: ${message}`)}\n`);
}
