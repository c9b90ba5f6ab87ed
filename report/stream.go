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
		ee := json.NewEncoder(&elem)
		ee.SetIndent(indent+"  ", "  ")
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
			put(bytes.TrimSuffix(elem.Bytes(), []byte("\n")))
		}
		puts("\n" + indent + "]")
	}
	put(head.Bytes()[at+len(marker):])
	return bw.Flush()
}
