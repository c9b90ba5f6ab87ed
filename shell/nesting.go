package shell

// maxNesting is the deepest nesting of shell code dockguard parses: far
// beyond any real script, and far below the depth at which the parser's
// recursion exhausts the stack or hundreds of MiB.
const maxNesting = 5000

// nestingDepth estimates how deeply src nests, with one cheap pass, as a
// bounded parser measures before recursing: `(` (so `$(` and `((` too),
// `{`, `[[`, backquotes, double quotes holding substitutions, and the
// compound keywords if, case, while, until, for and select in command
// position each open a level; `)`, `}`, `]]`, the closing quote or
// backquote, fi, esac and done close one. Comments and single-quoted text
// are skipped, so prose never counts. It returns the deepest level reached
// (counting stops just past limit) and the offset where limit was first
// exceeded.
func nestingDepth(src []byte, limit int) (deepest, at int) {
	var stack []byte // what each open level is: ( { [ " ` k(eyword)
	top := func() byte {
		if len(stack) == 0 {
			return 0
		}
		return stack[len(stack)-1]
	}
	push := func(kind byte, i int) bool {
		stack = append(stack, kind)
		if len(stack) > deepest {
			deepest = len(stack)
			if deepest > limit {
				at = i
				return true
			}
		}
		return false
	}
	pop := func() {
		if len(stack) > 0 {
			stack = stack[:len(stack)-1]
		}
	}
	cmdPos := true // at the start of a command, where keywords count
	for i := 0; i < len(src); i++ {
		b := src[i]
		if top() == '"' {
			switch {
			case b == '\\':
				i++
			case b == '"':
				pop()
			case b == '$' && i+1 < len(src) && (src[i+1] == '(' || src[i+1] == '{'):
				i++
				if push(src[i], i) {
					return deepest, at
				}
				cmdPos = true
			case b == '`':
				if push('`', i) {
					return deepest, at
				}
				cmdPos = true
			}
			continue
		}
		switch b {
		case '\\':
			i++
			cmdPos = false
		case '\'':
			for i++; i < len(src) && src[i] != '\''; i++ {
			}
			cmdPos = false
		case '"':
			if push('"', i) {
				return deepest, at
			}
			cmdPos = false
		case '#':
			if i == 0 || !isWordByte(src[i-1]) && src[i-1] != '$' && src[i-1] != '{' {
				for i < len(src) && src[i] != '\n' {
					i++
				}
				cmdPos = true
			}
		case '(', '{':
			if push(b, i) {
				return deepest, at
			}
			cmdPos = true
		case ')', '}':
			// Only the matching opener closes: the `)` of a case pattern
			// closes nothing.
			if (b == ')' && top() == '(') || (b == '}' && top() == '{') {
				pop()
			}
			cmdPos = true
		case '`':
			if top() == '`' {
				pop()
				cmdPos = false
			} else {
				if push('`', i) {
					return deepest, at
				}
				cmdPos = true
			}
		case '[':
			if i+1 < len(src) && src[i+1] == '[' {
				i++
				if push('[', i) {
					return deepest, at
				}
			}
			cmdPos = false
		case ']':
			if i+1 < len(src) && src[i+1] == ']' && top() == '[' {
				i++
				pop()
			}
			cmdPos = false
		case '\n', ';', '&', '|', '!':
			cmdPos = true
		case ' ', '\t', '\r':
		default:
			if !isWordByte(b) {
				cmdPos = false
				continue
			}
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			w := string(src[i:j])
			next := cmdPos
			cmdPos = false
			if next {
				switch w {
				case "if", "case", "while", "until", "for", "select":
					if push('k', i) {
						return deepest, at
					}
				case "fi", "esac", "done":
					if top() == 'k' {
						pop()
					}
				case "then", "do", "else", "elif":
					cmdPos = true
				}
			}
			i = j - 1
		}
	}
	return deepest, at
}

func isWordByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}
