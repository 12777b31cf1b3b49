exports.handler = __f0;

var __provider = {configure: __f1, check: __f3, diff: __f4, create: __f5, read: __f6, update: __f7, delete: __f8};

function __f2(__0, __1) {
  return (function() {
    with({ kind: "{{KIND}}", this: undefined, arguments: undefined }) {

return (m, a) => require("pulumi-access-as-code/runtime").dispatch(kind, m, a);

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f1() {
  return (function() {
    with({ r: __f2, this: undefined, arguments: undefined }) {

return (...a) => r(0, a);

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f3() {
  return (function() {
    with({ r: __f2, this: undefined, arguments: undefined }) {

return (...a) => r(1, a);

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f4() {
  return (function() {
    with({ r: __f2, this: undefined, arguments: undefined }) {

return (...a) => r(2, a);

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f5() {
  return (function() {
    with({ r: __f2, this: undefined, arguments: undefined }) {

return (...a) => r(3, a);

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f6() {
  return (function() {
    with({ r: __f2, this: undefined, arguments: undefined }) {

return (...a) => r(4, a);

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f7() {
  return (function() {
    with({ r: __f2, this: undefined, arguments: undefined }) {

return (...a) => r(5, a);

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f8() {
  return (function() {
    with({ r: __f2, this: undefined, arguments: undefined }) {

return (...a) => r(6, a);

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f0() {
  return (function() {
    with({ provider: __provider, this: undefined, arguments: undefined }) {

return () => provider;

    }
  }).apply(undefined, undefined).apply(this, arguments);
}
