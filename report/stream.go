package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// writeJSON writes doc as the JSON formats print it (two-space indent, no
// HTML escaping, a final newline), with the array under key taken from
// elems and encoded one element at a time. doc must hold an empty array
// under key. Encoding the whole document at once holds it twice more in
// memory (marshalled, then indented), and growing those buffers made a
// SARIF log of 16,000 findings cost four times the check itself.
func writeJSON[T any](w io.Writer, doc any, key string, elems []T) error {
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	// Keys are never escaped inside a string, so the unescaped quoted key
	// followed by an empty array is the placeholder (a string value
	// holding it would have its quotes escaped).
	marker := "\"" + key + "\": []"
	at := bytes.Index(head.Bytes(), []byte(marker))
	if at < 0 {
		return fmt.Errorf("encode %s: no %q array in the document", key, key)
	}
	lineStart := bytes.LastIndexByte(head.Bytes()[:at], '\n') + 1
	indent := strings.Repeat(" ", at-lineStart) // the key's indentation

	bw := bufio.NewWriterSize(w, 64<<10)
	// A bufio.Writer keeps its first error and returns it from Flush.
	put := func(b []byte) { _, _ = bw.Write(b) }
	puts := func(s string) { _, _ = bw.WriteString(s) }
	put(head.Bytes()[:at+len(marker)-2]) // up to the key's "[]"
	if len(elems) == 0 {
		puts("[]")
	} else {
		var elem bytes.Buffer
		var out []byte
		ee := json.NewEncoder(&elem)
		ee.SetEscapeHTML(false)
		puts("[")
		for i := range elems {
			elem.Reset()
			if err := ee.Encode(&elems[i]); err != nil {
				return err
			}
			if i > 0 {
				puts(",")
			}
			puts("\n" + indent + "  ")
			out = indentJSON(out[:0], bytes.TrimSuffix(elem.Bytes(), []byte("\n")), indent+"  ", "  ")
			put(out)
		}
		puts("\n" + indent + "]")
	}
	put(head.Bytes()[at+len(marker):])
	return bw.Flush()
}

// indentJSON appends src, compact JSON as encoding/json writes it, to dst
// laid out as json.Indent lays it out with prefix and indent. It trusts its
// input instead of validating it, which json.Indent's scanner does byte by
// byte: that pass was a third of a SARIF log's cost.
func indentJSON(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			// Copy the string whole; a backslash escapes the next byte.
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j, len(src)-1)
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			dst = append(dst, c)
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				dst = append(dst, src[i+1]) // empty: kept on one line
				i++
				continue
			}
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
