// Prints, as JSON, the `__provider` text Pulumi stores for each resource kind,
// obtained the way a program obtains it: constructing the resources under
// Pulumi's mocks, which serialize but do not run dynamic providers.
// Run as a child process so the mocks never touch the test runner's Pulumi.
"use strict";
const pulumi = require("@pulumi/pulumi");
const texts = {};
pulumi.runtime.setMocks(
  {
    newResource(args) {
      const text = args.inputs.__provider;
      const kind = args.type.replace(/^pulumi-nodejs:dynamic\//, "");
      texts[kind] = text;
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call() {
      return {};
    },
  },
  "serialize",
  "test",
  false,
);
const pkg = require("pulumi-access-as-code");
const samples = JSON.parse(process.argv[2]);
// `"*"` stands for every resource class the package exports.
const classes = Object.entries(pkg).filter(
  ([, value]) => typeof value === "function" && value.prototype instanceof pulumi.dynamic.Resource,
);
for (const [className, Class] of classes) {
  const args = samples[className] ?? samples["*"];
  if (args) new Class(`sample-${className}`, args);
}
setTimeout(() => process.stdout.write(JSON.stringify(texts)), 500);
