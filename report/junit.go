package report

import (
	"fmt"
	"io"
	"strings"

	"encoding/xml"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit writes JUnit XML for test dashboards: one <testsuite> per file and
// one failing <testcase> per finding. Inputs that could not be checked are
// <error> test cases in their file's suite.
func JUnit(w io.Writer, r *Run) error {
	doc := junitSuites{Name: "dockguard"}
	index := map[string]int{}
	suite := func(file string) *junitSuite {
		name := file
		if name == "" {
			name = "dockguard"
		}
		i, ok := index[name]
		if !ok {
			i = len(doc.Suites)
			index[name] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: name})
		}
		return &doc.Suites[i]
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		s := suite(f.File)
		loc := f.File
		name := fmt.Sprintf("%s %s", f.Rule, ruleName(f))
		if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
			name += fmt.Sprintf(" at %d:%d", f.Line, f.Column)
		}
		text := fmt.Sprintf("%s: %s: %s [%s %s]", loc, f.Severity, f.Message, f.Rule, ruleName(f))
		if u := helpURI(f.Rule); u != "" {
			text += "\n" + u
		}
		s.Cases = append(s.Cases, junitCase{
			Name: strings.TrimSpace(name), Classname: s.Name, File: f.File, Line: f.Line,
			Failure: &junitProblem{Message: f.Message, Type: f.Severity.String(), Text: text},
		})
		s.Tests++
		s.Failures++
		doc.Tests++
		doc.Failures++
	}
	for _, e := range r.Errors {
		s := suite(e.File)
		s.Cases = append(s.Cases, junitCase{
			Name: "could not check", Classname: s.Name, File: e.File,
			Error: &junitProblem{Message: e.Message, Type: "error", Text: e.Message},
		})
		s.Tests++
		s.Errors++
		doc.Tests++
		doc.Errors++
	}
	return writeXML(w, doc)
}
