package rules

// EditDistance is the Levenshtein distance between a and b, in bytes. It
// ranks "did you mean" suggestions for rule IDs, configuration keys and
// directive names.
func EditDistance(a, b string) int { return editDistance(a, b) }
