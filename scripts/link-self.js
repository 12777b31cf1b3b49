// The serialized provider loads `pulumi-access-as-code/runtime` by name from
// the program directory's node_modules, as it does in a consumer's stack.
// Programs inside this repository (the demo, the tests) get the same by a
// link node_modules/pulumi-access-as-code -> the repository root.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "pulumi-access-as-code");
let current;
try {
  current = fs.readlinkSync(link);
} catch {
  current = undefined;
}
if (current !== "..") {
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync("..", link, "dir");
}
