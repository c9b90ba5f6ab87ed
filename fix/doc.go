// Package fix applies the fixes that front ends attach to findings
// (rules.Finding.Fixes), for every front end alike.
//
// A finding's Fixes are one fix: all of its edits are applied or none.
// Per file, fixes are taken in offset order; a fix that overlaps one
// taken before it is not applied, and says so. The fixed contents are
// checked again in memory before anything is written: a fix whose result
// does not parse, brings a new finding, or still carries the finding it
// was meant to remove is rolled back and reported. Only then is the file
// replaced, atomically (a temporary file beside it, fsync, rename, the
// mode kept), and only when its bytes on disk are still the ones that
// were checked.
package fix
