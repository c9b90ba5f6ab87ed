package rules

// TypeCheckFailed starts the message of the DG001 finding that a re-check
// of fixed Go code reports when the fix brought a type error: the fixed
// code parses but does not compile.
const TypeCheckFailed = "the fixed code does not type-check: "
