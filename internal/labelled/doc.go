// Package labelled holds dockguard's labelled real-world regression set and
// the test that scores it.
//
// The files under testdata are written with the shapes found in public
// repositories (wrappers, Make variables, PowerShell steps, SDK calls on
// receivers of unknown type, compose overrides), one folder per front end.
// Every line that dockguard must report ends with a label comment naming
// the rule, `dg:DG101` (several rules separated by commas, alternatives
// that are both right by `|`), and every trap line with `dg:none`. The test
// runs `dockguard check` on the set, Go at syntax level as without type
// information, and computes precision and recall per front end from the
// labels: a finding on a line without a label of its rule is a false
// alarm, a label without its finding a miss.
package labelled
