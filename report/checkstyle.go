package report

import (
	"encoding/xml"
	"io"
)

type checkstyleDoc struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

type checkstyleError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// Checkstyle writes the Checkstyle XML format that many CI dashboards and
// reviewdog read: one <file> per file, one <error> per finding, with
// source "dockguard.DG101". Columns are byte columns.
func Checkstyle(w io.Writer, r *Run) error {
	doc := checkstyleDoc{Version: "4.3"}
	index := map[string]int{}
	for _, f := range r.Findings {
		i, ok := index[f.File]
		if !ok {
			i = len(doc.Files)
			index[f.File] = i
			doc.Files = append(doc.Files, checkstyleFile{Name: f.File})
		}
		doc.Files[i].Errors = append(doc.Files[i].Errors, checkstyleError{
			Line:     f.Line,
			Column:   f.Column,
			Severity: f.Severity.String(),
			Message:  f.Message,
			Source:   "dockguard." + f.Rule,
		})
	}
	return writeXML(w, doc)
}

func writeXML(w io.Writer, doc any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
